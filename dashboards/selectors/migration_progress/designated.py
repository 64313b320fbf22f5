"""特定移行支援システム: systems by business and planned fiscal year, and by prefecture (map).

The published list (organization × business or 共通機能) is counted as it was published, so its total
(8,956 systems as of 2025-12) is reproduced exactly.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from portal.japanese import fiscal_year_label

from ... import charts
from ...metrics.migration_progress import COMMON_FUNCTIONS
from ...models import Build
from ..base import Cell, Chart, Column, Filters, Table, number_text, prefecture_names, rows_of
from ..maps import prefecture_map_chart
from .common import DESIGNATED, filtered


def designated_charts(build: Build, filters: Filters, businesses: dict[str, str]) -> list[Chart]:
    labels = {**businesses, COMMON_FUNCTIONS: _("共通機能")}
    if filters.municipality:
        source = rows_of(build, "designated_detail").filter(organization_code=filters.municipality)
    else:
        source = filtered(build, "designated", filters, band=False)
    if filters.business:
        source = source.filter(business=filters.business)
    counts: dict[tuple[str, int | None], int] = defaultdict(int)
    per_prefecture: dict[str, int] = defaultdict(int)
    for r in source.values("prefecture_code", "business", "year").annotate(n=Sum("count")).order_by():
        counts[(r["business"], r["year"])] += r["n"]
        per_prefecture[r["prefecture_code"]] += r["n"]
    order = [*businesses, COMMON_FUNCTIONS]
    years = sorted({y for _b, y in counts}, key=lambda y: (y is None, y or 0))
    rows = [
        {"business": b, "planned_fiscal_year": y, "systems": counts[(b, y)]}
        for b in order
        for y in years
        if counts.get((b, y))
    ]
    year_label = {y: fiscal_year_label(y) if y else _("未定") for y in years}
    title = _("特定移行支援システム（業務別・移行予定年度別のシステム数）")
    present = [b for b in order if any(counts.get((b, y)) for y in years)]
    figure = charts.stacked_bar(
        title=title,
        categories=[labels.get(b, b) for b in present],
        stacks=[
            (year_label[y], charts.OKABE_ITO[i % len(charts.OKABE_ITO)], [counts.get((b, y), 0) for b in present])
            for i, y in enumerate(years)
        ],
        axis_title=_("システム数"),
    )
    total = sum(counts.values())
    head = (
        [Cell(_("業務"), header=True)]
        + [Cell(year_label[y], numeric=True, header=True) for y in years]
        + [Cell(_("計"), numeric=True, header=True)]
    )
    body = [
        [Cell(labels.get(b, b), header=True)]
        + [Cell(number_text(counts.get((b, y), 0)), numeric=True) for y in years]
        + [Cell(number_text(sum(counts.get((b, y), 0) for y in years)), numeric=True)]
        for b in present
    ]
    columns = [
        Column("business", _("業務")),
        Column("planned_fiscal_year", _("移行予定年度")),
        Column("systems", _("システム数"), numeric=True),
    ]
    note = _(
        "合計 %(total)s システム（共通機能と都道府県のシステムを含む）。移行予定年度は団体が入力するまで「未定」です。人口規模の絞り込みは適用されません。"
    ) % {"total": f"{total:,}"}
    result = [
        Chart(
            "designated",
            title,
            columns,
            rows,
            Table(title, head, body),
            figure if rows else None,
            note=note,
            published=DESIGNATED,
            labels={"business": labels, "planned_fiscal_year": year_label},
        )
    ]
    if not filters.prefecture and not filters.municipality and per_prefecture:
        names = prefecture_names()
        prefecture_rows = [
            {"prefecture_code": c, "prefecture": names.get(c, c), "systems": per_prefecture[c]}
            for c in sorted(per_prefecture)
        ]
        result.append(
            prefecture_map_chart(
                chart_id="designated_prefectures",
                title=_("都道府県別の特定移行支援システム数"),
                columns=[
                    Column("prefecture_code", _("都道府県番号")),
                    Column("prefecture", _("都道府県")),
                    Column("systems", _("システム数"), numeric=True),
                ],
                rows=prefecture_rows,
                value_key="systems",
                unit=_("システム"),
                href=lambda code: "?" + filters.query(prefecture=code),
                published=DESIGNATED,
            )
        )
    return result
