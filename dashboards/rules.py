"""Who sees which dashboard, and who may manage KPIs and read the build log.

Public: migration progress, catalog adoption, KPIs, joint procurement. Restricted: subsidy money
(`public=False, scoped=True`): national officials see all of it, a prefecture its own and its municipalities'
figures, a municipality its own (`reader_scope` narrows the rows the page, CSV and API read).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.models import OrganizationKind
from portal.policy import ALLOW, Decision, deny, is_national, is_portal_admin, org_of, rule, scope

from .models import AggregateRow, Build, Kpi, KpiObservation


@rule("dashboards.view")
def view_dashboard(user: Any, dashboard: Any) -> Decision:
    if dashboard is not None and dashboard.public:
        return ALLOW
    if is_national(user):
        return ALLOW
    if user is None or not user.is_authenticated:
        return deny(_("このダッシュボードを見るにはログインが必要です。"))
    if dashboard is not None and dashboard.scoped and reader_scope(user) is not None:
        return ALLOW
    return deny(_("このダッシュボードを見る権限がありません。"))


def reader_scope(user: Any) -> tuple[str, str] | None:
    """The rows of a scoped dashboard a user reads, as (prefecture_code, organization_code): ("", "") for all
    (national officials), (prefecture, "") for a prefecture and its municipalities, ("", code) for one
    municipality; None for anyone else (vendors, anonymous visitors)."""
    if is_national(user):
        return ("", "")
    org = org_of(user)
    if org is not None and org.kind == OrganizationKind.PREFECTURE:
        return (org.prefecture_code, "")
    if org is not None and org.kind == OrganizationKind.MUNICIPALITY:
        return ("", org.slug)
    return None


@rule("dashboards.view_kpi")
@rule("dashboards.view_kpiobservation")
@rule("dashboards.view_build")
@rule("dashboards.view_aggregaterow")
def view_records(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("dashboards.add_kpi")
@rule("dashboards.change_kpi")
@rule("dashboards.add_kpiobservation")
@rule("dashboards.change_kpiobservation")
@rule("dashboards.delete_kpiobservation")
def manage_kpis(user: Any, obj: Any) -> bool:
    return is_national(user)


@rule("dashboards.delete_kpi")
def delete_kpi(user: Any, obj: Any) -> bool:
    return is_portal_admin(user)


@rule("dashboards.add_build")
@rule("dashboards.change_build")
@rule("dashboards.delete_build")
@rule("dashboards.add_aggregaterow")
@rule("dashboards.change_aggregaterow")
@rule("dashboards.delete_aggregaterow")
def never(user: Any, obj: Any) -> Decision:
    return deny(_("集計結果は夜間の集計だけが書き換えます。"))


@scope(Kpi)
@scope(KpiObservation)
def kpis_visible(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset  # KPIs and their observations are public


@scope(Build)
@scope(AggregateRow)
def builds_visible(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset if is_national(user) else queryset.none()
