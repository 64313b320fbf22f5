"""Catalog adoption by pattern page: reads the `catalog_adoption` aggregates only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from catalog.models import Pattern

from .. import charts
from ..metrics.catalog_adoption import NAME
from ..models import AggregateRow, Build, BuildStatus
from .base import Cell, Chart, Column, Filters, Page, Table, number_text, prefecture_names, rows_of
from .maps import prefecture_map_chart

PATTERNS = [p.value for p in Pattern]
SYSTEMS_SHOWN = 50  # rows of the systems table on the page


def _filtered(build: Build, series: str, filters: Filters) -> Any:
    qs = rows_of(build, series)
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    if filters.population_band:
        qs = qs.filter(population_band=filters.population_band)
    return qs


def _table(title: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns]
    body = [
        [Cell(number_text(r[c.key]), numeric=c.numeric, header=i == 0) for i, c in enumerate(columns)] for r in rows
    ]
    return Table(title, head, body)


def select(filters: Filters, build: Build | None) -> Page:
    if build is None:
        return Page(charts=[])
    labels = {p.value: str(p.label) for p in Pattern}
    page = Page(charts=[], breadcrumbs=[(_("全国"), "")])
    if filters.prefecture:
        page.breadcrumbs.append((prefecture_names().get(filters.prefecture, filters.prefecture), filters.query()))

    adoptions = {
        r["item"]: r["n"]
        for r in _filtered(build, "in_use", filters).values("item").annotate(n=Sum("count")).order_by()
    }
    organizations = {
        r["item"]: r["n"]
        for r in _filtered(build, "organizations", filters).values("item").annotate(n=Sum("count")).order_by()
    }
    rows = [
        {
            "pattern": p,
            "pattern_name": labels[p],
            "adoptions": adoptions.get(p, 0),
            "organizations": organizations.get(p, 0),
        }
        for p in PATTERNS
    ]
    columns = [
        Column("pattern", _("パターン")),
        Column("pattern_name", _("共通化パターン")),
        Column("adoptions", _("利用中の導入件数"), numeric=True),
        Column("organizations", _("利用している団体数"), numeric=True),
    ]
    title = _("共通化パターン別の利用状況")
    figure = charts.grouped_bar(
        title=title,
        categories=[r["pattern_name"] for r in rows],
        groups=[
            (_("利用中の導入件数"), charts.OKABE_ITO[0], [r["adoptions"] for r in rows]),
            (_("利用している団体数"), charts.OKABE_ITO[1], [r["organizations"] for r in rows]),
        ],
        axis_title=_("件数"),
    )
    note = _("「利用中」の導入だけを数えます（検討中・調達中・利用終了は含みません）。")
    page.charts.append(Chart("patterns", title, columns, rows, _table(title, columns[1:], rows), figure, note=note))

    if not filters.prefecture:
        page.charts.append(_prefectures_chart(build, filters, labels))
    page.charts.append(_systems_chart(build, labels))
    page.charts.append(_trend_chart(build, filters, labels))
    return page


def _prefectures_chart(build: Build, filters: Filters, labels: dict[str, str]) -> Chart:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in (
        _filtered(build, "in_use", filters)
        .exclude(prefecture_code="")
        .values("prefecture_code", "item")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        per[r["prefecture_code"]][r["item"]] += r["n"]
    names = prefecture_names()
    rows = [
        {
            "prefecture_code": code,
            "prefecture": names.get(code, code),
            **{p: per[code][p] for p in PATTERNS},
            "adoptions": sum(per[code].values()),
        }
        for code in sorted(per)
    ]
    columns = [Column("prefecture_code", _("都道府県番号")), Column("prefecture", _("都道府県"))]
    columns += [Column(p, labels[p], numeric=True) for p in PATTERNS] + [Column("adoptions", _("計"), numeric=True)]
    title = _("都道府県別の利用中の導入件数")
    if not rows:
        return Chart(
            "prefectures", title, columns, [], Table(title, [], []), None, note=_("集計対象のデータがありません。")
        )
    return prefecture_map_chart(
        chart_id="prefectures",
        title=title,
        columns=columns,
        rows=rows,
        value_key="adoptions",
        unit=_("件"),
        href=lambda code: "?" + filters.query(prefecture=code),
        note=_("都道府県と、その区域の市区町村の導入を合わせて数えます。"),
    )


def _systems_chart(build: Build, labels: dict[str, str]) -> Chart:
    rows = [
        {"system": r.item, "name": r.label, "pattern": labels.get(r.status, r.status), "adoptions": r.count}
        for r in rows_of(build, "systems").order_by("-count", "item")
    ]
    columns = [
        Column("system", _("識別子")),
        Column("name", _("システム")),
        Column("pattern", _("共通化パターン")),
        Column("adoptions", _("利用中の導入件数"), numeric=True),
    ]
    title = _("システム別の利用中の導入件数（全国）")
    # The page's table lists the most used systems only: all ~10,000 made a 2 MB page. The CSV and API have all.
    shown = rows[:SYSTEMS_SHOWN]
    caption = title
    if len(shown) < len(rows):
        caption = _("%(title)s：導入件数の多い上位%(n)s件") % {"title": title, "n": f"{len(shown):,}"}
    table = _table(caption, columns[1:], shown)
    table.omitted = len(rows) - len(shown)
    for row, cells in zip(shown, table.body, strict=True):
        cells[0] = Cell(cells[0].text, href=f"/catalog/systems/{row['system']}/", header=True)
    return Chart(
        "systems", title, columns, rows, table, None, note=_("この表は全国の件数です（絞り込みは適用されません）。")
    )


def _trend_chart(build: Build, filters: Filters, labels: dict[str, str]) -> Chart:
    done = Build.objects.filter(metric=NAME, status=BuildStatus.DONE, period__lte=build.period).values("period")
    qs = AggregateRow.objects.filter(metric=NAME, series="in_use", period__in=done)
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    if filters.population_band:
        qs = qs.filter(population_band=filters.population_band)
    per: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in qs.values("period", "item").annotate(n=Sum("count")).order_by("period"):
        per[r["period"]][r["item"]] += r["n"]
    rows = [{"period": p.isoformat(), **{k: per[p][k] for k in PATTERNS}} for p in sorted(per)]
    columns = [Column("period", _("集計日"))] + [Column(p, labels[p], numeric=True) for p in PATTERNS]
    title = _("利用中の導入件数の推移")
    figure = charts.line(
        title=title,
        x=[r["period"] for r in rows],
        lines=[(labels[p], charts.OKABE_ITO[i], [r[p] for r in rows]) for i, p in enumerate(PATTERNS)],
        axis_title=_("件数"),
    )
    return Chart("trend", title, columns, rows, _table(title, columns, rows), figure)
