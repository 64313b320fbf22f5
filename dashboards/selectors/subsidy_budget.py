"""Subsidy money page (restricted): reads the `subsidy_budget` aggregates only, narrowed to the reader's scope.

Amounts are integer yen in the numbers (API, CSV); the tables show them in 億円/万円 (format_yen_large).
Budgets are national figures: only a reader who sees everything sees them.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from portal.japanese import fiscal_year_label, format_yen_large
from subsidies.models import ClaimStatus

from .. import charts
from ..models import AggregateRow, Build
from .base import Cell, Chart, Column, Filters, Page, Table, number_text, prefecture_names, rows_of

MONEY_KEYS = ("budget", "decided", "paid")
_OKU = Decimal(100_000_000)


def _note() -> str:
    return _(
        "交付決定額は交付決定以降（交付決定・実績報告済み・額の確定・支払済み）の申請の合計、支払額は支払済みの申請の確定額の合計です。"
    )


def scoped_rows(build: Build, series: str, filters: Filters) -> QuerySet[AggregateRow]:
    """A series' rows within the reader's scope and the page's prefecture filter."""
    qs = rows_of(build, series)
    for field, value in (
        ("prefecture_code", filters.prefecture),
        ("prefecture_code", filters.scope_prefecture),
        ("organization_code", filters.scope_organization),
    ):
        if value:
            qs = qs.filter(**{field: value})
    return qs


def median(histogram: dict[int, int]) -> Decimal | None:
    """The median of values given as {value: how many}; None when empty."""
    total = sum(histogram.values())
    if not total:
        return None
    middle, seen, found = ((total - 1) // 2, total // 2), 0, []
    for value in sorted(histogram):
        upper = seen + histogram[value]
        found += [value for position in middle if seen <= position < upper]
        seen = upper
    return Decimal(sum(found)) / 2


def _cell(key: str, value: Any, numeric: bool) -> str:
    if key in MONEY_KEYS and isinstance(value, int):
        return format_yen_large(value)
    return number_text(value)


def _table(title: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns]
    body = [
        [Cell(_cell(c.key, r[c.key], c.numeric), numeric=c.numeric, header=i == 0) for i, c in enumerate(columns)]
        for r in rows
    ]
    return Table(title, head, body)


def _sums(qs: QuerySet[AggregateRow], *keys: str) -> dict[Any, int]:
    grouped = qs.values(*keys).annotate(n=Sum("count")).order_by()
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: int(r["n"]) for r in grouped}


def _histograms(qs: QuerySet[AggregateRow], key: str | tuple[str, ...]) -> dict[Any, dict[int, int]]:
    keys = (key,) if isinstance(key, str) else key
    per: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in qs.values(*keys, "extra"):
        group = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]
        for days, n in row["extra"].get("days", {}).items():
            per[group][int(days)] += n
    return per


def select(filters: Filters, build: Build | None) -> Page:
    if build is None:
        return Page(charts=[])
    page = Page(charts=[], breadcrumbs=[(_("全国"), "")])
    if filters.prefecture:
        page.breadcrumbs.append((prefecture_names().get(filters.prefecture, filters.prefecture), filters.query()))
    if filters.scope_prefecture or filters.scope_organization:
        page.summary.append(_("あなたの団体の範囲（都道府県はその管内の市区町村を含む）の数字だけを示します。"))
    page.charts += [_money_chart(build, filters), _claims_chart(build, filters), _days_chart(build, filters)]
    if not filters.scope_organization:
        page.charts.append(_area_chart(build, filters, "prefectures"))
    page.charts.append(_area_chart(build, filters, "organizations"))
    return page


def _money_chart(build: Build, filters: Filters) -> Chart:
    programs = dict(rows_of(build, "program").values_list("item", "label"))
    everything = not (filters.prefecture or filters.scope_prefecture or filters.scope_organization)
    budgets = _sums(rows_of(build, "budget"), "item", "year") if everything else {}
    decided = _sums(scoped_rows(build, "decided", filters), "item", "year")
    paid = _sums(scoped_rows(build, "paid", filters), "item", "year")
    rows = [
        {
            "program": program,
            "program_name": programs.get(program, program),
            "fiscal_year": year,
            "fiscal_year_label": fiscal_year_label(year),
            "budget": budgets.get((program, year)) if everything else None,
            "decided": decided.get((program, year), 0),
            "paid": paid.get((program, year), 0),
        }
        for program, year in sorted(set(budgets) | set(decided) | set(paid))
    ]
    columns = [
        Column("program", _("補助事業コード")),
        Column("program_name", _("補助事業")),
        Column("fiscal_year", _("年度")),
        Column("fiscal_year_label", _("年度（和暦）")),
        Column("budget", _("予算額（円）"), numeric=True),
        Column("decided", _("交付決定額（円）"), numeric=True),
        Column("paid", _("支払額（円）"), numeric=True),
    ]
    title = _("補助事業・年度別の予算・交付決定・支払")
    figure = charts.grouped_bar(
        title=title,
        categories=[f"{r['program_name']} {r['fiscal_year_label']}" for r in rows],
        groups=[
            (_("予算額"), charts.OKABE_ITO[0], [Decimal(r["budget"] or 0) / _OKU for r in rows]),
            (_("交付決定額"), charts.OKABE_ITO[1], [Decimal(r["decided"]) / _OKU for r in rows]),
            (_("支払額"), charts.OKABE_ITO[2], [Decimal(r["paid"]) / _OKU for r in rows]),
        ],
        axis_title=_("億円"),
    )
    shown = [c for c in columns if c.key not in ("program", "fiscal_year") and (everything or c.key != "budget")]
    return Chart("money", title, columns, rows, _table(title, shown, rows), figure, note=_note())


def _claims_chart(build: Build, filters: Filters) -> Chart:
    counts = _sums(scoped_rows(build, "claims", filters), "status")
    rows = [
        {"status": s.value, "status_name": str(s.label), "claims": counts.get(s.value, 0)}
        for s in ClaimStatus
        if s != ClaimStatus.DRAFT
    ]
    columns = [
        Column("status", _("状態コード")),
        Column("status_name", _("状態")),
        Column("claims", _("申請の件数"), numeric=True),
    ]
    title = _("状態別の申請の件数")
    figure = charts.grouped_bar(
        title=title,
        categories=[str(r["status_name"]) for r in rows],
        groups=[(_("申請の件数"), charts.OKABE_ITO[0], [r["claims"] for r in rows])],
        axis_title=_("件数"),
    )
    note = _("下書きは数えません。")
    return Chart("claims", title, columns, rows, _table(title, columns[1:], rows), figure, note=note)


def _days_chart(build: Build, filters: Filters) -> Chart:
    programs = dict(rows_of(build, "program").values_list("item", "label"))
    per = _histograms(scoped_rows(build, "decision_days", filters), ("item", "year"))
    rows = [
        {
            "program": program,
            "program_name": programs.get(program, program),
            "fiscal_year": year,
            "fiscal_year_label": fiscal_year_label(year),
            "decisions": sum(per[(program, year)].values()),
            "median_days": median(per[(program, year)]),
        }
        for program, year in sorted(per)
    ]
    columns = [
        Column("program", _("補助事業コード")),
        Column("program_name", _("補助事業")),
        Column("fiscal_year", _("年度")),
        Column("fiscal_year_label", _("年度（和暦）")),
        Column("decisions", _("決定した申請の件数"), numeric=True),
        Column("median_days", _("提出から決定までの日数（中央値）"), numeric=True),
    ]
    title = _("提出から交付決定・不交付までの日数")
    figure = charts.grouped_bar(
        title=title,
        categories=[f"{r['program_name']} {r['fiscal_year_label']}" for r in rows],
        groups=[(_("日数（中央値）"), charts.OKABE_ITO[3], [r["median_days"] or 0 for r in rows])],
        axis_title=_("日"),
    )
    note = _("申請の履歴から、最初の提出の日から最初の交付決定または不交付の日までの暦日数を数えます。")
    shown = [c for c in columns if c.key not in ("program", "fiscal_year")]
    return Chart("decision_days", title, columns, rows, _table(title, shown, rows), figure, note=note)


def _area_chart(build: Build, filters: Filters, chart_id: str) -> Chart:
    """Per prefecture (chart_id "prefectures") or per applicant organization ("organizations")."""
    by_prefecture = chart_id == "prefectures"
    key = "prefecture_code" if by_prefecture else "organization_code"
    claims = _sums(scoped_rows(build, "claims", filters), key)
    decided = _sums(scoped_rows(build, "decided", filters), key)
    paid = _sums(scoped_rows(build, "paid", filters), key)
    days = _histograms(scoped_rows(build, "decision_days", filters), key)
    if by_prefecture:
        names = prefecture_names()
    else:
        names = dict(scoped_rows(build, "claims", filters).values_list("organization_code", "label").distinct())
    rows = [
        {
            key: code,
            "name": names.get(code, code),
            "claims": claims.get(code, 0),
            "decided": decided.get(code, 0),
            "paid": paid.get(code, 0),
            "decisions": sum(days[code].values()) if code in days else 0,
            "median_days": median(days[code]) if code in days else None,
        }
        for code in sorted(set(claims) | set(decided) | set(paid))
    ]
    columns = [
        Column(key, _("都道府県番号") if by_prefecture else _("団体コード")),
        Column("name", _("都道府県") if by_prefecture else _("申請団体")),
        Column("claims", _("申請の件数"), numeric=True),
        Column("decided", _("交付決定額（円）"), numeric=True),
        Column("paid", _("支払額（円）"), numeric=True),
        Column("decisions", _("決定した申請の件数"), numeric=True),
        Column("median_days", _("提出から決定までの日数（中央値）"), numeric=True),
    ]
    title = _("都道府県別の申請と金額") if by_prefecture else _("申請団体別の申請と金額")
    figure = charts.grouped_bar(
        title=title,
        categories=[str(r["name"]) for r in rows],
        groups=[
            (_("交付決定額"), charts.OKABE_ITO[1], [Decimal(r["decided"]) / _OKU for r in rows]),
            (_("支払額"), charts.OKABE_ITO[2], [Decimal(r["paid"]) / _OKU for r in rows]),
        ],
        axis_title=_("億円"),
    )
    return Chart(chart_id, title, columns, rows, _table(title, columns[1:], rows), figure, note=_note())
