"""標準化の進捗 page: reads the `migration_progress` aggregates only.

National and prefecture views show the breakdowns (breakdowns.py); a municipality view shows its 20
businesses; every view shows the 特定移行支援システム (designated.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from portal.japanese import fiscal_year_label

from ... import charts
from ...metrics.migration_progress import NO_DATA
from ...models import Build
from ..base import Cell, Chart, Column, Filters, Page, Table, number_text, percent, prefecture_names, rows_of
from .breakdowns import bands_chart, gov_cloud_chart, prefectures_chart, steps_chart, trend_chart
from .common import RATES, STATUS_COLOURS, STATUS_ORDER, filtered, simple_table, status_labels
from .designated import designated_charts


def select(filters: Filters, build: Build | None) -> Page:
    if build is None:
        return Page(charts=[])
    businesses = dict(rows_of(build, "business").order_by("count").values_list("business", "label"))
    selected = [filters.business] if filters.business else list(businesses)
    prefectures = prefecture_names()
    page = Page(charts=[], breadcrumbs=[(_("全国"), "")])
    if filters.prefecture:
        page.breadcrumbs.append(
            (prefectures.get(filters.prefecture, filters.prefecture), filters.query(municipality=""))
        )

    if filters.municipality:
        municipality = rows_of(build, "municipality").filter(organization_code=filters.municipality).first()
        name = municipality.label if municipality else filters.municipality
        page.breadcrumbs.append((name, filters.query()))
        detail = list(
            filtered(
                build, "municipality_status", Filters(municipality=filters.municipality, business=filters.business)
            ).filter(organization_code=filters.municipality)
        )
        page.charts.append(_status_chart(_municipality_counts(detail, selected), businesses, selected))
        page.charts.append(_municipality_chart(detail, businesses, selected))
    else:
        counts = {
            (r["business"], r["status"]): r["n"]
            for r in filtered(build, "status", filters).values("business", "status").annotate(n=Sum("count")).order_by()
        }
        page.charts.append(_status_chart(counts, businesses, selected))
        if filters.prefecture:
            page.charts.append(_municipalities_chart(build, filters, selected))
        else:
            page.charts.append(prefectures_chart(build, filters, selected))
        page.charts.append(bands_chart(build, filters))
        steps = steps_chart(build, filters, businesses, selected)
        if steps is not None:
            page.charts.append(steps)
        page.charts.append(gov_cloud_chart(build, filters, businesses, selected))
        page.charts.append(trend_chart(build, filters))
        reported = filtered(build, "reported", filters).aggregate(n=Sum("count"))["n"] or 0
        page.summary.append(
            _("現在の値のうち %(n)s 件は、公表月より新しい団体からの報告（公表値を置き換えたもの）です。")
            % {"n": f"{reported:,}"}
        )
    page.charts.extend(designated_charts(build, filters, businesses))
    return page


def _municipality_counts(detail: list[Any], selected: list[str]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    present = set()
    for row in detail:
        counts[(row.business, row.status)] += 1
        present.add(row.business)
    for slug in selected:
        if slug not in present:
            counts[(slug, NO_DATA)] += 1
    return counts


def _status_chart(counts: dict[tuple[str, str], int], businesses: dict[str, str], selected: list[str]) -> Chart:
    labels = status_labels()
    statuses = STATUS_ORDER + ([NO_DATA] if any(counts.get((b, NO_DATA)) for b in selected) else [])
    rows = [{"business": b, "status": s, "municipalities": counts.get((b, s), 0)} for b in selected for s in statuses]
    title = _("業務別の進捗（団体数）")
    figure = charts.stacked_bar(
        title=title,
        categories=[businesses.get(b, b) for b in selected],
        stacks=[(labels[s], STATUS_COLOURS[s], [counts.get((b, s), 0) for b in selected]) for s in statuses],
        axis_title=_("団体数"),
    )
    head = (
        [Cell(_("業務"), header=True)]
        + [Cell(labels[s], numeric=True, header=True) for s in statuses]
        + [Cell(_("計"), numeric=True, header=True)]
    )
    body = [
        [Cell(businesses.get(b, b), header=True)]
        + [Cell(number_text(counts.get((b, s), 0)), numeric=True) for s in statuses]
        + [Cell(number_text(sum(counts.get((b, s), 0) for s in statuses)), numeric=True)]
        for b in selected
    ]
    columns = [
        Column("business", _("業務")),
        Column("status", _("進捗")),
        Column("municipalities", _("団体数"), numeric=True),
    ]
    chart = Chart("status", title, columns, rows, Table(title, head, body), figure, published=RATES)
    chart.labels = {"business": businesses, "status": labels}
    return chart


def _municipalities_chart(build: Build, filters: Filters, selected: list[str]) -> Chart:
    municipalities = filtered(
        build, "municipality", Filters(prefecture=filters.prefecture, population_band=filters.population_band)
    )
    names = dict(municipalities.order_by("organization_code").values_list("organization_code", "label"))
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    detail = (
        filtered(build, "municipality_status", filters)
        .values("organization_code", "status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for r in detail:
        per[r["organization_code"]][r["status"]] += r["n"]
    labels = status_labels()
    rows = []
    for code, name in names.items():
        row: dict[str, Any] = {"municipality": code, "name": name}
        for status in STATUS_ORDER:
            row[status] = per[code][status]
        row[NO_DATA] = len(selected) - sum(per[code].values())
        rows.append(row)
    columns = [Column("municipality", _("団体コード")), Column("name", _("市区町村"))] + [
        Column(s, labels[s] + _("（業務数）"), numeric=True) for s in [*STATUS_ORDER, NO_DATA]
    ]
    title = _("市区町村別の進捗（業務数）")
    table = simple_table(
        title, columns[1:], rows, {"name": lambda r: "?" + filters.query(municipality=r["municipality"])}
    )
    return Chart("municipalities", title, columns, rows, table, None, published=RATES)


def _municipality_chart(detail: list[Any], businesses: dict[str, str], selected: list[str]) -> Chart:
    labels = status_labels()
    by_business = {row.business: row for row in detail}
    gov = {"yes": _("利用"), "no": _("利用なし"), "unknown": _("不明")}
    source = {"published": _("公表値"), "reported": _("団体の報告")}
    rows = []
    for slug in selected:
        row = by_business.get(slug)
        rows.append(
            {
                "business": slug,
                "business_name": businesses.get(slug, slug),
                "status": labels[row.status] if row else labels[NO_DATA],
                "step_completion": percent(row.value, 1) if row and row.value is not None else None,
                "planned_fiscal_year": fiscal_year_label(row.year) if row and row.year else "",
                "gov_cloud": gov[row.extra.get("gov_cloud", "unknown")] if row else "",
                "source": source.get(row.extra.get("source", ""), "") if row else "",
            }
        )
    columns = [
        Column("business", _("業務コード")),
        Column("business_name", _("業務")),
        Column("status", _("進捗")),
        Column("step_completion", _("作業手順の完了率（%）"), numeric=True),
        Column("planned_fiscal_year", _("移行予定年度")),
        Column("gov_cloud", _("ガバメントクラウド")),
        Column("source", _("出典")),
    ]
    title = _("業務ごとの状況")
    return Chart("municipality", title, columns, rows, simple_table(title, columns[1:], rows), None, published=RATES)
