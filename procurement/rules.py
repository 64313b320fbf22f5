"""Who may read and change joint procurements (DESIGN.md permission table).

- Public from `recruiting` on: anyone reads. `planning` ones: the lead prefecture, officials, and the
  municipalities invited to them.
- Prefecture staff create and edit their own prefecture's procurements; another prefecture's public
  procurement is read-only for them (403 on edit), a planning one is not found (404).
- Municipality staff answer only their own invitation.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import OrganizationKind
from portal.policy import ALLOW, Decision, deny, is_kind, is_national, org_of, rule, scope

from .models import (
    PUBLIC_STATUSES,
    DocumentVisibility,
    JointProcurement,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
    ProcurementDocument,
)


def _invited(org: Any) -> Exists:
    return Exists(Participation.objects.filter(procurement=OuterRef("pk"), municipality=org))


@scope(JointProcurement)
def procurements_visible(user: Any, queryset: QuerySet[JointProcurement]) -> QuerySet[JointProcurement]:
    if is_national(user):
        return queryset
    public = Q(status__in=PUBLIC_STATUSES)
    org = org_of(user)
    if org is None:
        return queryset.filter(public)
    if org.kind == OrganizationKind.PREFECTURE:
        return queryset.filter(public | Q(lead_prefecture=org))
    if org.kind == OrganizationKind.MUNICIPALITY:
        return queryset.filter(public | Q(_invited(org)))
    return queryset.filter(public)


def can_view(user: Any, procurement: JointProcurement) -> bool:
    if procurement.is_public or is_national(user):
        return True
    org = org_of(user)
    if org is None:
        return False
    if org.kind == OrganizationKind.PREFECTURE:
        return procurement.lead_prefecture_id == org.pk
    return procurement.participations.filter(municipality=org).exists()


def _prefecture_staff(user: Any) -> Decision:
    if org_of(user) is None:
        return deny(_("ログインが必要です。"))
    if not is_kind(user, OrganizationKind.PREFECTURE):
        return deny(_("共同調達を登録できるのは都道府県の職員です。"))
    return ALLOW


@rule("procurement.create")
def create(user: Any, obj: Any) -> Decision:
    return _prefecture_staff(user)


@rule("procurement.change")
def change(user: Any, procurement: Any) -> Decision:
    decision = _prefecture_staff(user)
    if not decision or procurement is None:
        return decision
    if procurement.lead_prefecture_id != org_of(user).pk:
        return deny(_("ほかの都道府県の共同調達は閲覧のみです。"))
    return ALLOW


@rule("procurement.answer")
def answer(user: Any, procurement: Any) -> Decision:
    """Answer the intent survey: staff of a municipality the procurement invited."""
    org = org_of(user)
    if org is None:
        return deny(_("ログインが必要です。"))
    if org.kind != OrganizationKind.MUNICIPALITY:
        return deny(_("参加意向に回答できるのは招待された市区町村の職員です。"))
    if procurement is None:
        return ALLOW
    if procurement.lead_prefecture_id != org.prefecture_id:
        return deny(_("ほかの都道府県の共同調達には参加できません。"))
    if not procurement.participations.filter(municipality=org).exists():
        return deny(_("この共同調達には招待されていません。"))
    return ALLOW


@rule("procurement.view_document")
def view_document(user: Any, document: Any) -> bool:
    procurement = document.procurement
    if not can_view(user, procurement):
        return False
    if document.visibility == DocumentVisibility.PUBLIC or is_national(user):
        return True
    org = org_of(user)
    if org is None:
        return False
    if org.pk == procurement.lead_prefecture_id:
        return True
    if document.visibility == DocumentVisibility.PARTICIPANTS:
        return (
            procurement.participations.filter(municipality=org)
            .exclude(status__in=[ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN])
            .exists()
        )
    return False


# The admin reads; changes go through the pages and the API, whose services write the audit trail.
@scope(Participation)
def participations_visible(user: Any, queryset: QuerySet[Participation]) -> QuerySet[Participation]:
    return queryset.filter(procurement__in=procurements_visible(user, JointProcurement.objects.all()))


@scope(ProcurementDocument)
def documents_visible(user: Any, queryset: QuerySet[ProcurementDocument]) -> QuerySet[ProcurementDocument]:
    return queryset.filter(procurement__in=procurements_visible(user, JointProcurement.objects.all()))


@scope(ProcurementCategory)
def categories_visible(user: Any, queryset: QuerySet[ProcurementCategory]) -> QuerySet[ProcurementCategory]:
    return queryset


@rule("procurement.view_jointprocurement")
@rule("procurement.view_participation")
@rule("procurement.view_procurementdocument")
@rule("procurement.view_procurementcategory")
def admin_view(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("procurement.add_procurementcategory")
@rule("procurement.change_procurementcategory")
def admin_edit_category(user: Any, obj: Any) -> bool:
    return is_national(user) and bool(user.is_superuser or user.is_portal_admin)


@rule("procurement.add_jointprocurement")
@rule("procurement.change_jointprocurement")
@rule("procurement.delete_jointprocurement")
@rule("procurement.add_participation")
@rule("procurement.change_participation")
@rule("procurement.delete_participation")
@rule("procurement.add_procurementdocument")
@rule("procurement.change_procurementdocument")
@rule("procurement.delete_procurementdocument")
@rule("procurement.delete_procurementcategory")
def admin_never(user: Any, obj: Any) -> Decision:
    return deny(_("共同調達は共同調達の画面から操作してください（監査記録を残すため）。"))


@rule("procurement.view_answers")
def view_answers(user: Any, procurement: Any) -> bool:
    """Every invited municipality's answer and comment: the lead prefecture and officials.
    The public sees who joined (committed), not who declined."""
    if is_national(user):
        return True
    org = org_of(user)
    return org is not None and procurement is not None and procurement.lead_prefecture_id == org.pk


@rule("procurement.import_participations")
def import_participations(user: Any, obj: Any) -> Decision:
    """Import intent-survey answers: municipality staff (their own), prefecture staff (their procurements')."""
    org = org_of(user)
    if org is not None and org.kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE):
        return ALLOW
    return deny(_("参加意向を取り込めるのは、招待された市区町村と共同調達を主導する都道府県の職員です。"))


@rule("procurement.import_joint_procurements")
def import_joint_procurements(user: Any, obj: Any) -> Decision:
    """Import joint procurements: prefecture staff (their own prefecture's), national officials (any)."""
    if is_national(user):
        return ALLOW
    return _prefecture_staff(user)


@rule("procurement.import_joint_procurement_row")
def import_joint_procurement_row(user: Any, prefecture: Any) -> Decision:
    """One procurement row: led by the importer's own prefecture (officials: any prefecture)."""
    if is_national(user):
        return ALLOW
    org = org_of(user)
    if org is None or prefecture is None:
        return deny(_("ログインが必要です。"))
    if prefecture.pk != org.pk:
        return deny(
            _("%(other)sの共同調達は取り込めません。%(own)sが主導する共同調達だけを取り込めます。")
            % {"other": prefecture.name, "own": org.name}
        )
    return ALLOW
