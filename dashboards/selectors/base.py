"""What every dashboard page shares: filters, the current build, tables, charts and the registry."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.japanese import wareki

from ..models import AggregateRow, Build, BuildStatus


@dataclass(frozen=True)
class Filters:
    """The filters of a dashboard URL (?prefecture=&population_band=&business=&municipality=)."""

    prefecture: str = ""  # 2-digit prefecture number
    population_band: str = ""
    business: str = ""
    municipality: str = ""  # 6-digit code
    # The reader's own scope on a scoped dashboard (dashboards.rules.reader_scope); never in links.
    scope_prefecture: str = ""
    scope_organization: str = ""

    def query(self, **changes: str) -> str:
        """The query string of these filters with some changed ('' removes one), for links."""
        values = {
            "prefecture": self.prefecture,
            "population_band": self.population_band,
            "business": self.business,
            "municipality": self.municipality,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    href: str = ""
    header: bool = False


@dataclass
class Table:
    caption: str
    head: list[Cell]
    body: list[list[Cell]]
    # Rows of the chart's data left out of a long table (the page then links to the CSV and API, which have all).
    omitted: int = 0


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    col: int
    row: int
    value_text: str
    fill: str
    ink: str
    href: str = ""


@dataclass
class Chart:
    """One chart of a page: its numbers (`rows`, also the API series and the CSV), a table and a figure."""

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    table: Table
    figure: dict[str, Any] | None = None
    note: str = ""
    published: str = ""  # key of the published data set the numbers come from (Build.meta)
    tiles: list[Tile] | None = None
    legend: list[tuple[str, str]] = field(default_factory=list)
    # Display names of coded columns (column key → code → name): the CSV adds a name column after the code.
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)


@dataclass
class Page:
    charts: list[Chart]
    summary: list[str] = field(default_factory=list)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, query string)

    def chart(self, chart_id: str) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)


Selector = Callable[[Filters, Build | None], Page]


@dataclass(frozen=True)
class Dashboard:
    slug: str  # the URL name (API.md): migration-progress, catalog-adoption, kpi …
    metric: str
    title: str | Promise
    description: str | Promise
    public: bool
    main_chart: str
    select: Selector
    filters: tuple[str, ...] = ()  # which filters the page offers
    own_source: str | Promise = ""  # the source of numbers the portal records itself
    scoped: bool = False  # restricted, and read per organization: local governments see their own scope


DASHBOARDS: dict[str, Dashboard] = {}


def register(dashboard: Dashboard) -> Dashboard:
    DASHBOARDS[dashboard.slug] = dashboard
    return dashboard


def current_build(metric: str) -> Build | None:
    """The build the pages show: the latest finished one of the metric."""
    return (
        Build.objects.filter(metric=metric, status=BuildStatus.DONE).order_by("-period", "-finished_at", "-pk").first()
    )


def rows_of(build: Build, series: str) -> QuerySet[AggregateRow]:
    return AggregateRow.objects.filter(metric=build.metric, period=build.period, series=series)


def month_label(iso: str) -> str:
    """'2026-01-01' → '令和8年1月'."""
    text = wareki(dt.date.fromisoformat(iso))
    return text[: text.index("月") + 1]


def published_label(build: Build | None, key: str) -> str:
    """「公表データ：令和8年1月時点（出典：…）」 for a published data set a build used, else ''."""
    meta = (build.meta if build else {}).get(key) or {}
    if not meta:
        return ""
    return str(
        _("公表データ：%(month)s時点（出典：%(source)s）")
        % {"month": month_label(meta["as_of"]), "source": meta["source"]}
    )


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """A share in percent with one decimal, rounded half up; None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def number_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@cache
def prefecture_tiles() -> list[tuple[str, str, int, int]]:
    """(prefecture_code, name, col, row) of the tile-grid map, from fixtures/geo/prefecture_tiles.csv."""
    path = settings.FIXTURES_DIR / "geo" / "prefecture_tiles.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["prefecture_code"], r["name"], int(r["col"]), int(r["row"])) for r in csv.DictReader(handle)]


def prefecture_names() -> dict[str, str]:
    return {code: name for code, name, _col, _row in prefecture_tiles()}
