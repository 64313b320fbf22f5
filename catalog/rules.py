"""Who may do what in the catalog (DESIGN.md's table), for pages, the API and the admin alike.

- Browsing, searching and comparing systems: everyone. Published offerings: everyone; a proposed or declined one
  only its vendor and national officials.
- Catalog entries: national officials edit them; vendors propose offerings of their own, which an official reviews.
- Adoptions `in_use` / `retired` are public; `considering` / `procuring` are seen by the organization itself, its
  prefecture's staff and national officials. Only the organization itself records its adoptions.
- Migration status and step progress: status, planned year, Government Cloud and source are public (vendor names
  for logged-in users only). A municipality edits its own; its prefecture's staff enter them on its behalf.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import Organization, OrganizationKind
from portal.policy import ALLOW, Decision, deny, is_kind, is_national, org_of, prefecture_id_of, rule, scope

from .models import (
    Adoption,
    AdoptionStatus,
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    Offering,
    OfferingStatus,
    PublishedRate,
    PublishedSnapshot,
    SharedSystem,
    StepDefinition,
    StepProgress,
)

PUBLIC_ADOPTION_STATUSES = [AdoptionStatus.IN_USE, AdoptionStatus.RETIRED]


def _public(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset


for _model in (
    SharedSystem,
    BusinessArea,
    MigrationStatus,
    StepProgress,
    StepDefinition,
    PublishedSnapshot,
    PublishedRate,
    DesignatedSystem,
):
    scope(_model)(_public)


@scope(Offering)
def offerings_visible(user: Any, queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    if is_national(user):
        return queryset
    org = org_of(user)
    published = Q(status=OfferingStatus.PUBLISHED)
    if org is not None and org.kind == OrganizationKind.VENDOR:
        return queryset.filter(published | Q(vendor=org))
    return queryset.filter(published)


@scope(Adoption)
def adoptions_visible(user: Any, queryset: QuerySet[Adoption]) -> QuerySet[Adoption]:
    if is_national(user):
        return queryset
    public = Q(status__in=PUBLIC_ADOPTION_STATUSES)
    org = org_of(user)
    if org is None:
        return queryset.filter(public)
    private = Q(organization=org)
    if org.kind == OrganizationKind.PREFECTURE:
        private |= Q(organization__prefecture=org)
    return queryset.filter(public | private)


# Browsing ----------------------------------------------------------------------------------------


@rule("catalog.view_vendor_names")
def view_vendor_names(user: Any, obj: Any) -> Decision:
    """Vendor names of a municipality's systems: logged-in users only."""
    if org_of(user) is not None or is_national(user):
        return ALLOW
    return deny(_("事業者名はログインした利用者にのみ表示されます。"))


# Catalog entries ---------------------------------------------------------------------------------


@rule("catalog.edit_system")
@rule("catalog.review_offering")
def edit_catalog(user: Any, obj: Any) -> Decision:
    if is_national(user):
        return ALLOW
    return deny(_("カタログの登録・編集は国の職員が行います。"))


@rule("catalog.propose_offering")
def propose_offering(user: Any, system: Any) -> Decision:
    """A vendor proposes an offering of a pattern B system (an official may also register one)."""
    if not (is_kind(user, OrganizationKind.VENDOR) or is_national(user)):
        return deny(_("提供サービスを登録できるのは事業者と国の職員です。"))
    if system is not None and system.pattern != "B":
        return deny(_("提供サービスを登録できるのはパターンBのシステムだけです。"))
    return ALLOW


@rule("catalog.edit_offering")
def edit_offering(user: Any, offering: Any) -> Decision:
    if is_national(user):
        return ALLOW
    org = org_of(user)
    if org is not None and offering is not None and offering.vendor_id == org.pk:
        return ALLOW
    return deny(_("自社の提供サービスだけを編集できます。"))


# Adoptions ---------------------------------------------------------------------------------------


@rule("catalog.edit_adoption")
def edit_adoption(user: Any, organization: Any) -> Decision:
    """Only the organization itself records its adoptions (its prefecture does not, nor does the State)."""
    if isinstance(organization, Adoption):
        organization = organization.organization
    org = org_of(user)
    if org is None:
        return deny(_("ログインが必要です。"))
    if not org.is_local_government:
        return deny(_("導入状況を登録できるのは地方公共団体の職員です。"))
    if organization is not None and organization.pk != org.pk:
        return deny(_("ほかの団体の導入状況は登録できません。"))
    return ALLOW


# Migration status and step progress --------------------------------------------------------------


def _may_enter_for(user: Any, municipality: Organization | None) -> Decision:
    org = org_of(user)
    if org is None:
        return deny(_("ログインが必要です。"))
    if municipality is None:
        return ALLOW if org.is_local_government else deny(_("地方公共団体の職員だけが入力できます。"))
    if municipality.kind != OrganizationKind.MUNICIPALITY:
        return deny(_("標準化の進捗は市区町村ごとに入力します。"))
    if org.pk == municipality.pk:
        return ALLOW
    if org.kind == OrganizationKind.PREFECTURE and prefecture_id_of(user) == municipality.prefecture_id:
        return ALLOW
    return deny(_("ほかの団体の進捗は入力できません。"))


@rule("catalog.edit_migration_status")
def edit_migration_status(user: Any, municipality: Any) -> Decision:
    """`municipality` is the Organization whose statuses are entered (own, or its prefecture on its behalf)."""
    return _may_enter_for(user, municipality)


@rule("catalog.edit_step_progress")
def edit_step_progress(user: Any, municipality: Any) -> Decision:
    return _may_enter_for(user, municipality)


@rule("catalog.update_migration_status")
def update_migration_status_row(user: Any, row: Any) -> Decision:
    """The API's PUT on one row: the same as the form, for that row's municipality."""
    return _may_enter_for(user, row.municipality if row is not None else None)


# Imports (catalog/resources/) ---------------------------------------------------------------------


@rule("catalog.import_adoptions")
def import_adoptions(user: Any, obj: Any) -> Decision:
    """Import adoptions: staff of a local government (their own), national officials (any organization's)."""
    org = org_of(user)
    if is_national(user) or (org is not None and org.is_local_government):
        return ALLOW
    return deny(_("導入状況を取り込めるのは地方公共団体の職員と国の職員です。"))


@rule("catalog.import_adoption_row")
def import_adoption_row(user: Any, organization: Any) -> Decision:
    """One adoption row: the organization itself, or a national official."""
    if is_national(user):
        return ALLOW
    org = org_of(user)
    if org is None or organization is None:
        return deny(_("ログインが必要です。"))
    if organization.pk != org.pk:
        return deny(
            _("%(other)sの導入状況は取り込めません。自団体（%(own)s）の行だけを取り込めます。")
            % {"other": organization, "own": org}
        )
    return ALLOW
