"""Reading one dashboard for a request: filters validated, the current build, the page's charts.

Shared by the HTML page, its CSV twins and the API, so all three show the same numbers. Callers ask the
permission layer first (`dashboards.view`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import Http404, QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .forms import FilterForm
from .models import Build
from .rules import reader_scope
from .selectors import DASHBOARDS, Dashboard, Filters, Page, current_build
from .selectors.base import Chart, month_label, rows_of

# A page's charts only change when a new build is swapped in (each build is a new Build row), so they are kept
# per build, filters, reader scope and language; a day is enough for a build that runs nightly.
PAGE_SECONDS = 24 * 60 * 60
# The pages this process read last, by the same key: unpickling a large page from the shared cache costs
# 150–200 ms (the KPI page carries 100,000 observations for its CSV), a dictionary lookup nothing.
_RECENT_PAGES: dict[str, Page] = {}
RECENT_PAGES_KEPT = 8


@dataclass
class Reading:
    dashboard: Dashboard
    build: Build | None
    form: FilterForm
    filters: Filters
    page: Page
    cache_key: str  # names this page's charts in the cache (the HTML page keeps its rendered charts under it)

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
    key = hashlib.sha256(
        repr((dashboard.slug, build and (build.pk, build.finished_at), filters, get_language())).encode()
    ).hexdigest()
    if build is None:
        return Reading(dashboard, build, form, filters, dashboard.select(filters, build), key)
    return Reading(dashboard, build, form, filters, _page(key, dashboard, filters, build), key)


def _page(key: str, dashboard: Dashboard, filters: Filters, build: Build) -> Page:
    """The page from this process's recent pages, else the shared cache, else built (and kept in both)."""
    page = _RECENT_PAGES.get(key) or cache.get(f"dashboards:page:{key}")
    if page is None:
        page = dashboard.select(filters, build)
        cache.set(f"dashboards:page:{key}", page, PAGE_SECONDS)
    if key not in _RECENT_PAGES:
        if len(_RECENT_PAGES) >= RECENT_PAGES_KEPT:
            del _RECENT_PAGES[next(iter(_RECENT_PAGES))]  # the oldest
        _RECENT_PAGES[key] = page
    return page
