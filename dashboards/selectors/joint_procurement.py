"""Joint procurement trend page: reads the `joint_procurement` aggregates only. Counts, never percentages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from .. import charts
from ..metrics.joint_procurement import NAME
from ..models import AggregateRow, Build, BuildStatus
from .base import Cell, Chart, Column, Filters, Page, Table, number_text, prefecture_names, rows_of
from .maps import prefecture_map_chart


def _note() -> str:
    return _(
        "件数だけを示します（割合や順位は示しません）。最新の案件は共同調達ダッシュボード（/procurement/dashboard/）をご覧ください。"
    )


def _table(title: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns]
    body = [
        [Cell(number_text(r[c.key]), numeric=c.numeric, header=i == 0) for i, c in enumerate(columns)] for r in rows
    ]
    return Table(title, head, body)


def _sum_by(qs: Any, *keys: str) -> dict[Any, int]:
    grouped = qs.values(*keys).annotate(n=Sum("count")).order_by()
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r["n"] for r in grouped}


def select(filters: Filters, build: Build | None) -> Page:
    if build is None:
        return Page(charts=[])
    page = Page(charts=[], breadcrumbs=[(_("全国"), "")])
    if filters.prefecture:
        page.breadcrumbs.append((prefecture_names().get(filters.prefecture, filters.prefecture), filters.query()))
    page.charts.append(_trend_chart(build, filters))
    categories = dict(rows_of(build, "category").order_by("count").values_list("item", "label"))
    procurements = rows_of(build, "procurements")
    participants = rows_of(build, "participants")
    if filters.prefecture:
        procurements = procurements.filter(prefecture_code=filters.prefecture)
        participants = participants.filter(prefecture_code=filters.prefecture)
    by_category = _sum_by(procurements, "item")
    joined = _sum_by(participants, "item")
    rows = [
        {
            "category": slug,
            "name": name,
            "procurements": by_category.get(slug, 0),
            "municipalities": joined.get(slug, 0),
        }
        for slug, name in categories.items()
    ]
    columns = [
        Column("category", _("分野コード")),
        Column("name", _("分野")),
        Column("procurements", _("共同調達の件数"), numeric=True),
        Column("municipalities", _("参加する市区町村の数"), numeric=True),
    ]
    title = _("分野別の共同調達")
    figure = charts.grouped_bar(
        title=title,
        categories=[str(r["name"]) for r in rows],
        groups=[
            (_("共同調達の件数"), charts.OKABE_ITO[0], [r["procurements"] for r in rows]),
            (_("参加する市区町村の数"), charts.OKABE_ITO[1], [r["municipalities"] for r in rows]),
        ],
        axis_title=_("件数"),
    )
    page.charts.append(
        Chart("categories", title, columns, rows, _table(title, columns[1:], rows), figure, note=_note())
    )
    if not filters.prefecture:
        per_prefecture = _sum_by(procurements, "prefecture_code")
        names = prefecture_names()
        prefecture_rows = [
            {"prefecture_code": c, "prefecture": names.get(c, c), "procurements": per_prefecture[c]}
            for c in sorted(per_prefecture)
        ]
        if prefecture_rows:
            page.charts.append(
                prefecture_map_chart(
                    chart_id="prefectures",
                    title=_("都道府県別の共同調達の件数"),
                    columns=[
                        Column("prefecture_code", _("都道府県番号")),
                        Column("prefecture", _("都道府県")),
                        Column("procurements", _("共同調達の件数"), numeric=True),
                    ],
                    rows=prefecture_rows,
                    value_key="procurements",
                    unit=_("件"),
                    href=lambda code: "?" + filters.query(prefecture=code),
                    note=_note(),
                )
            )
    return page


def _trend_chart(build: Build, filters: Filters) -> Chart:
    done = Build.objects.filter(metric=NAME, status=BuildStatus.DONE, period__lte=build.period).values("period")
    qs = AggregateRow.objects.filter(metric=NAME, period__in=done, series__in=["procurements", "participants"])
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    per: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (period, series), n in _sum_by(qs, "period", "series").items():
        per[period][series] += n
    rows = [
        {"period": p.isoformat(), "procurements": per[p]["procurements"], "municipalities": per[p]["participants"]}
        for p in sorted(per)
    ]
    columns = [
        Column("period", _("集計日")),
        Column("procurements", _("共同調達の件数"), numeric=True),
        Column("municipalities", _("参加する市区町村の数"), numeric=True),
    ]
    title = _("共同調達の件数の推移")
    figure = charts.line(
        title=title,
        x=[r["period"] for r in rows],
        lines=[
            (_("共同調達の件数"), charts.OKABE_ITO[0], [r["procurements"] for r in rows]),
            (_("参加する市区町村の数"), charts.OKABE_ITO[1], [r["municipalities"] for r in rows]),
        ],
        axis_title=_("件数"),
    )
    return Chart("trend", title, columns, rows, _table(title, columns, rows), figure, note=_note())
