"""Reading one dashboard for a request: filters validated, the current build, the page's charts.

Shared by the HTML page, its CSV twins and the API, so all three show the same numbers. Callers ask the
permission layer first (`dashboards.view`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from .forms import FilterForm
from .models import Build
from .rules import reader_scope
from .selectors import DASHBOARDS, Dashboard, Filters, Page, current_build
from .selectors.base import Chart, month_label, rows_of


@dataclass
class Reading:
    dashboard: Dashboard
    build: Build | None
    form: FilterForm
    filters: Filters
    page: Page

    def data_as_of(self, chart: Chart) -> str | None:
        """The month ('2026-01') of the published figures a chart's numbers come from, if any."""
        meta = self._meta(chart)
        return meta["as_of"][:7] if meta else None

    def data_as_of_label(self, chart: Chart) -> str:
        meta = self._meta(chart)
        return month_label(meta["as_of"]) if meta else ""

    def source(self, chart: Chart) -> str:
        meta = self._meta(chart)
        if meta:
            return str(meta["source"])
        return str(self.dashboard.own_source or _("本ポータルに登録されたデータ"))

    def _meta(self, chart: Chart) -> dict[str, Any]:
        if not chart.published or self.build is None:
            return {}
        return dict(self.build.meta.get(chart.published) or {})


def dashboard_or_404(name: str) -> Dashboard:
    dashboard = DASHBOARDS.get(name)
    if dashboard is None:
        raise Http404(_("このダッシュボードはありません。"))
    return dashboard


def read_dashboard(dashboard: Dashboard, params: QueryDict, user: Any) -> Reading:
    build = current_build(dashboard.metric)
    businesses: dict[str, str] = {}
    if build is not None and "business" in dashboard.filters:
        businesses = dict(rows_of(build, "business").order_by("count").values_list("business", "label"))

    def municipality_exists(code: str) -> bool:
        return build is not None and rows_of(build, "municipality").filter(organization_code=code).exists()

    form = FilterForm(params, offered=dashboard.filters, businesses=businesses, municipality_exists=municipality_exists)
    form.is_valid()
    filters = form.filters()
    if dashboard.scoped:
        scope = reader_scope(user) or ("", "-")  # the view asked the rule first; nobody else reads a row
        filters = dataclasses.replace(filters, scope_prefecture=scope[0], scope_organization=scope[1])
    return Reading(dashboard, build, form, filters, dashboard.select(filters, build))
