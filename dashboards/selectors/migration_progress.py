"""標準化の進捗 page: reads the `migration_progress` aggregates only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from catalog.models import MigrationStatusValue, StepState
from portal.japanese import fiscal_year_label
from portal.models import PopulationBand

from .. import charts
from ..metrics.migration_progress import COMMON_FUNCTIONS, NAME, NO_DATA
from ..models import Build
from .base import Cell, Chart, Column, Filters, Page, Table, number_text, percent, prefecture_names, rows_of
from .maps import prefecture_map_chart

STATUS_ORDER = [s.value for s in MigrationStatusValue]
STATUS_COLOURS = {
    "migrated": "#009E73",
    "migrating": "#56B4E9",
    "preparing": "#F0E442",
    "not_started": "#E69F00",
    "designated_hard": "#D55E00",
    NO_DATA: charts.GREY,
}
RATES = "progress_rates"
DESIGNATED = "designated_systems"


def status_labels() -> dict[str, str]:
    return {**{s.value: str(s.label) for s in MigrationStatusValue}, NO_DATA: _("データなし")}


def _filtered(build: Build, series: str, filters: Filters, *, band: bool = True) -> Any:
    qs = rows_of(build, series)
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    if band and filters.population_band:
        qs = qs.filter(population_band=filters.population_band)
    if filters.business:
        qs = qs.filter(business=filters.business)
    return qs


def _simple_table(
    caption: str, columns: list[Column], rows: list[dict[str, Any]], links: dict[str, Any] | None = None
) -> Table:
    links = links or {}
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns]
    body = []
    for r in rows:
        cells = []
        for index, c in enumerate(columns):
            href = links[c.key](r) if c.key in links else ""
            cells.append(Cell(number_text(r[c.key]), numeric=c.numeric, href=href, header=index == 0))
        body.append(cells)
    return Table(caption=caption, head=head, body=body)


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
            _filtered(
                build, "municipality_status", Filters(municipality=filters.municipality, business=filters.business)
            ).filter(organization_code=filters.municipality)
        )
        page.charts.append(_status_chart(_municipality_counts(detail, selected), businesses, selected))
        page.charts.append(_municipality_chart(detail, businesses, selected))
    else:
        counts = {
            (r["business"], r["status"]): r["n"]
            for r in _filtered(build, "status", filters)
            .values("business", "status")
            .annotate(n=Sum("count"))
            .order_by()
        }
        page.charts.append(_status_chart(counts, businesses, selected))
        if filters.prefecture:
            page.charts.append(_municipalities_chart(build, filters, selected))
        else:
            page.charts.append(_prefectures_chart(build, filters, selected))
        page.charts.append(_bands_chart(build, filters))
        steps = _steps_chart(build, filters, businesses, selected)
        if steps is not None:
            page.charts.append(steps)
        page.charts.append(_gov_cloud_chart(build, filters, businesses, selected))
        page.charts.append(_trend_chart(build, filters))
        reported = _filtered(build, "reported", filters).aggregate(n=Sum("count"))["n"] or 0
        page.summary.append(
            _("現在の値のうち %(n)s 件は、公表月より新しい団体からの報告（公表値を置き換えたもの）です。")
            % {"n": f"{reported:,}"}
        )
    page.charts.extend(_designated_charts(build, filters, businesses))
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
    return Chart("status", title, columns, rows, Table(title, head, body), figure, published=RATES)


def _prefectures_chart(build: Build, filters: Filters, selected: list[str]) -> Chart:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in (
        _filtered(build, "status", filters).values("prefecture_code", "status").annotate(n=Sum("count")).order_by()
    ):
        per[r["prefecture_code"]][r["status"]] += r["n"]
    names = prefecture_names()
    rows = []
    for code in sorted(per):
        total = sum(per[code].values())
        rows.append(
            {
                "prefecture_code": code,
                "prefecture": names.get(code, code),
                "municipalities": total // max(len(selected), 1),
                "migrated": per[code]["migrated"],
                "designated_hard": per[code]["designated_hard"],
                "total": total,
                "migrated_share": percent(per[code]["migrated"], total),
            }
        )
    columns = [
        Column("prefecture_code", _("都道府県番号")),
        Column("prefecture", _("都道府県")),
        Column("municipalities", _("市区町村数"), numeric=True),
        Column("migrated", _("移行完了（団体×業務）"), numeric=True),
        Column("designated_hard", _("特定移行支援システム（団体×業務）"), numeric=True),
        Column("total", _("団体×業務の数"), numeric=True),
        Column("migrated_share", _("移行完了の割合（%）"), numeric=True),
    ]
    return (
        prefecture_map_chart(
            chart_id="prefectures",
            title=_("都道府県別の移行完了の割合"),
            columns=columns,
            rows=rows,
            value_key="migrated_share",
            unit="%",
            href=lambda code: "?" + filters.query(prefecture=code),
            published=RATES,
        )
        if rows
        else _empty_chart("prefectures", _("都道府県別の移行完了の割合"))
    )


def _empty_chart(chart_id: str, title: str) -> Chart:
    return Chart(chart_id, title, [], [], Table(title, [], []), None, note=_("集計対象のデータがありません。"))


def _municipalities_chart(build: Build, filters: Filters, selected: list[str]) -> Chart:
    municipalities = _filtered(
        build, "municipality", Filters(prefecture=filters.prefecture, population_band=filters.population_band)
    )
    names = dict(municipalities.order_by("organization_code").values_list("organization_code", "label"))
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    detail = (
        _filtered(build, "municipality_status", filters)
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
    table = _simple_table(
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
    return Chart("municipality", title, columns, rows, _simple_table(title, columns[1:], rows), None, published=RATES)


def _bands_chart(build: Build, filters: Filters) -> Chart:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in (
        _filtered(build, "status", filters).values("population_band", "status").annotate(n=Sum("count")).order_by()
    ):
        per[r["population_band"]][r["status"]] += r["n"]
    rows = []
    for band in PopulationBand:
        if band.value not in per:
            continue
        total = sum(per[band.value].values())
        migrated = per[band.value]["migrated"]
        rows.append(
            {
                "population_band": band.value,
                "label": str(band.label),
                "migrated": migrated,
                "total": total,
                "migrated_share": percent(migrated, total),
            }
        )
    columns = [
        Column("population_band", _("人口規模コード")),
        Column("label", _("人口規模")),
        Column("migrated", _("移行完了（団体×業務）"), numeric=True),
        Column("total", _("団体×業務の数"), numeric=True),
        Column("migrated_share", _("移行完了の割合（%）"), numeric=True),
    ]
    title = _("人口規模別の移行完了の割合")
    figure = charts.grouped_bar(
        title=title,
        categories=[str(r["label"]) for r in rows],
        groups=[(_("移行完了の割合"), charts.OKABE_ITO[0], [r["migrated_share"] for r in rows])],
        axis_title="%",
    )
    return Chart(
        "population_bands", title, columns, rows, _simple_table(title, columns[1:], rows), figure, published=RATES
    )


def _steps_chart(build: Build, filters: Filters, businesses: dict[str, str], selected: list[str]) -> Chart | None:
    steps: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _filtered(build, "steps", filters).values("business", "status").annotate(n=Sum("count")).order_by():
        steps[r["business"]][r["status"]] += r["n"]
    rates = {
        r["business"]: r
        for r in _filtered(build, "published_rate", filters)
        .exclude(business="")
        .values("business")
        .annotate(n=Sum("count"), total=Sum("value"))
        .order_by()
    }
    if not steps and not rates:
        return None
    rows = []
    for slug in selected:
        s = steps.get(slug, {})
        completed = s.get(StepState.DONE, 0) + s.get(StepState.NOT_APPLICABLE, 0)
        rate = rates.get(slug)
        rows.append(
            {
                "business": slug,
                "business_name": businesses.get(slug, slug),
                "published_municipalities": rate["n"] if rate else 0,
                "published_rate": percent(rate["total"], rate["n"]) if rate else None,
                "steps": sum(s.values()),
                "steps_completed": completed,
                "step_completion": percent(completed, sum(s.values())),
            }
        )
    columns = [
        Column("business", _("業務コード")),
        Column("business_name", _("業務")),
        Column("published_municipalities", _("公表値のある団体数"), numeric=True),
        Column("published_rate", _("公表された完了率の平均（%）"), numeric=True),
        Column("steps", _("報告された作業手順の数"), numeric=True),
        Column("steps_completed", _("完了・対象外の手順の数"), numeric=True),
        Column("step_completion", _("作業手順の完了率（%）"), numeric=True),
    ]
    title = _("業務別の作業手順の完了率")
    figure = charts.grouped_bar(
        title=title,
        categories=[str(r["business_name"]) for r in rows],
        groups=[
            (_("公表された完了率の平均"), charts.OKABE_ITO[0], [r["published_rate"] for r in rows]),
            (_("報告された作業手順の完了率"), charts.OKABE_ITO[1], [r["step_completion"] for r in rows]),
        ],
        axis_title="%",
    )
    note = _("完了率は（完了＋対象外）÷ 作業手順の数です。手順の数を数えたもので、作業量（工数）ではありません。")
    return Chart(
        "steps", title, columns, rows, _simple_table(title, columns[1:], rows), figure, note=note, published=RATES
    )


def _gov_cloud_chart(build: Build, filters: Filters, businesses: dict[str, str], selected: list[str]) -> Chart:
    counts = {
        (r["business"], r["status"]): r["n"]
        for r in _filtered(build, "gov_cloud", filters).values("business", "status").annotate(n=Sum("count")).order_by()
    }
    labels = {"yes": _("利用"), "no": _("利用なし"), "unknown": _("不明")}
    colours = {"yes": charts.OKABE_ITO[0], "no": charts.OKABE_ITO[1], "unknown": charts.GREY}
    rows = [{"business": b, "gov_cloud": g, "municipalities": counts.get((b, g), 0)} for b in selected for g in labels]
    title = _("ガバメントクラウドの利用（団体数）")
    figure = charts.stacked_bar(
        title=title,
        categories=[businesses.get(b, b) for b in selected],
        stacks=[(labels[g], colours[g], [counts.get((b, g), 0) for b in selected]) for g in labels],
        axis_title=_("団体数"),
    )
    head = [Cell(_("業務"), header=True)] + [Cell(labels[g], numeric=True, header=True) for g in labels]
    body = [
        [Cell(businesses.get(b, b), header=True)]
        + [Cell(number_text(counts.get((b, g), 0)), numeric=True) for g in labels]
        for b in selected
    ]
    columns = [
        Column("business", _("業務")),
        Column("gov_cloud", _("ガバメントクラウド")),
        Column("municipalities", _("団体数"), numeric=True),
    ]
    return Chart("gov_cloud", title, columns, rows, Table(title, head, body), figure, published=RATES)


def _trend_chart(build: Build, filters: Filters) -> Chart:
    from ..models import AggregateRow, BuildStatus

    done = Build.objects.filter(metric=NAME, status=BuildStatus.DONE, period__lte=build.period).values("period")
    qs = AggregateRow.objects.filter(metric=NAME, series="status", period__in=done)
    if filters.prefecture:
        qs = qs.filter(prefecture_code=filters.prefecture)
    if filters.population_band:
        qs = qs.filter(population_band=filters.population_band)
    if filters.business:
        qs = qs.filter(business=filters.business)
    per: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in qs.values("period", "status").annotate(n=Sum("count")).order_by("period"):
        per[r["period"]][r["status"]] += r["n"]
    rows = [
        {
            "period": p.isoformat(),
            "migrated": per[p]["migrated"],
            "total": sum(per[p].values()),
            "migrated_share": percent(per[p]["migrated"], sum(per[p].values())),
        }
        for p in sorted(per)
    ]
    columns = [
        Column("period", _("集計日")),
        Column("migrated", _("移行完了（団体×業務）"), numeric=True),
        Column("total", _("団体×業務の数"), numeric=True),
        Column("migrated_share", _("移行完了の割合（%）"), numeric=True),
    ]
    title = _("移行完了の推移")
    figure = charts.line(
        title=title,
        x=[r["period"] for r in rows],
        lines=[(_("移行完了の割合"), charts.OKABE_ITO[2], [r["migrated_share"] for r in rows])],
        axis_title="%",
    )
    note = _("毎晩の集計で1点ずつ増えます。公表値は月1回の更新のため、公表月が変わるまで横ばいになります。")
    return Chart("trend", title, columns, rows, _simple_table(title, columns, rows), figure, note=note, published=RATES)


def _designated_charts(build: Build, filters: Filters, businesses: dict[str, str]) -> list[Chart]:
    labels = {**businesses, COMMON_FUNCTIONS: _("共通機能")}
    if filters.municipality:
        source = rows_of(build, "designated_detail").filter(organization_code=filters.municipality)
    else:
        source = _filtered(build, "designated", filters, band=False)
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
