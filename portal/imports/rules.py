"""Who may import what (DESIGN.md's table): national data by officials; a municipality's rows by the
municipality itself or, on its behalf, by its prefecture. A row outside the caller's reach is an error of that row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import ImportRecord, OrganizationKind
from portal.policy import ALLOW, Decision, deny, is_national, org_of, rule, scope


@rule("imports.use")
def use_imports(user: Any, obj: Any) -> Decision:
    """Open the import pages at all: any logged-in member of an organization."""
    if org_of(user) is None and not is_national(user):
        return deny(_("取り込みにはログインが必要です。"))
    return ALLOW


@rule("imports.national_data")
def import_national_data(user: Any, obj: Any) -> Decision:
    """Organizations' populations, the step list, published snapshots: national officials."""
    if is_national(user):
        return ALLOW
    return deny(_("このデータの取り込みは国の職員が行います。"))


@rule("imports.municipal_data")
def import_municipal_data(user: Any, obj: Any) -> Decision:
    """Migration statuses and step progress: a municipality, or its prefecture on its behalf."""
    org = org_of(user)
    if org is not None and org.kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE):
        return ALLOW
    return deny(
        _("標準化の進捗は市区町村（または都道府県が代理で）取り込みます。国の職員は公表値を取り込んでください。")
    )


@rule("imports.municipal_row")
def import_municipal_row(user: Any, municipality: Any) -> Decision:
    """One row of a municipality: its own staff, or staff of its prefecture (recorded as on its behalf)."""
    org = org_of(user)
    if org is None or municipality is None:
        return deny(_("ログインが必要です。"))
    if municipality.pk == org.pk:
        return ALLOW
    if org.kind == OrganizationKind.PREFECTURE:
        if municipality.prefecture_id == org.pk:
            return ALLOW
        return deny(
            _("%(muni)sは%(pref)sの団体です。%(own)sの市区町村の行だけを取り込めます。")
            % {"muni": municipality, "pref": getattr(municipality.prefecture, "name", ""), "own": org.name}
        )
    return deny(
        _("%(muni)sの行は取り込めません。自団体（%(own)s）の行だけを取り込めます。")
        % {"muni": municipality, "own": org}
    )


@scope(ImportRecord)
def import_records_visible(user: Any, queryset: QuerySet[ImportRecord]) -> QuerySet[ImportRecord]:
    """Officials see every import; others their organization's and those done on its behalf."""
    if is_national(user):
        return queryset
    org = org_of(user)
    if org is None:
        return queryset.none()
    return queryset.filter(Q(organization=org) | Q(on_behalf_of=org))


@rule("portal.view_importrecord")
def view_import_record(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("portal.add_importrecord")
@rule("portal.change_importrecord")
@rule("portal.delete_importrecord")
def edit_import_record(user: Any, obj: Any) -> Decision:
    return deny(_("取り込み記録は変更・削除できません。"))
