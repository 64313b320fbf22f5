"""The breakdowns of the national and prefecture views: by prefecture (map), population band, steps,
Government Cloud and the trend over the nightly builds."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from catalog.models import StepState
from portal.models import PopulationBand

from ... import charts
from ...metrics.migration_progress import NAME
from ...models import AggregateRow, Build, BuildStatus
from ..base import Cell, Chart, Column, Filters, Table, number_text, percent, prefecture_names
from ..maps import prefecture_map_chart
from .common import RATES, empty_chart, filtered, simple_table


def prefectures_chart(build: Build, filters: Filters, selected: list[str]) -> Chart:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in filtered(build, "status", filters).values("prefecture_code", "status").annotate(n=Sum("count")).order_by():
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
        else empty_chart("prefectures", _("都道府県別の移行完了の割合"))
    )


def bands_chart(build: Build, filters: Filters) -> Chart:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in filtered(build, "status", filters).values("population_band", "status").annotate(n=Sum("count")).order_by():
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
        "population_bands", title, columns, rows, simple_table(title, columns[1:], rows), figure, published=RATES
    )


def steps_chart(build: Build, filters: Filters, businesses: dict[str, str], selected: list[str]) -> Chart | None:
    steps: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in filtered(build, "steps", filters).values("business", "status").annotate(n=Sum("count")).order_by():
        steps[r["business"]][r["status"]] += r["n"]
    rates = {
        r["business"]: r
        for r in filtered(build, "published_rate", filters)
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
        "steps", title, columns, rows, simple_table(title, columns[1:], rows), figure, note=note, published=RATES
    )


def gov_cloud_chart(build: Build, filters: Filters, businesses: dict[str, str], selected: list[str]) -> Chart:
    counts = {
        (r["business"], r["status"]): r["n"]
        for r in filtered(build, "gov_cloud", filters).values("business", "status").annotate(n=Sum("count")).order_by()
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
    chart = Chart("gov_cloud", title, columns, rows, Table(title, head, body), figure, published=RATES)
    chart.labels = {"business": businesses, "gov_cloud": labels}
    return chart


def trend_chart(build: Build, filters: Filters) -> Chart:
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
    return Chart("trend", title, columns, rows, simple_table(title, columns, rows), figure, note=note, published=RATES)
