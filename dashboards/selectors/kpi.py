"""KPI page (EBPM): the `kpi` aggregates, and the observations as of the build's period.

The observations are read from `KpiObservation` itself (one query, whatever their number): the build no
longer copies 100,000 stored inputs into aggregates every night.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from portal.japanese import wareki

from .. import charts
from ..models import Build, Direction, KpiObservation
from .base import Cell, Chart, Column, Filters, Page, Table, number_text, rows_of


def _gap(latest: Decimal | None, target: Decimal, direction: str) -> Decimal | None:
    """How far the latest value still is from the target (0 once reached), in the KPI's unit."""
    if latest is None:
        return None
    gap = target - latest if direction == Direction.HIGHER_IS_BETTER else latest - target
    return _plain(max(gap, Decimal(0)))


def _plain(value: Decimal | None) -> Decimal | None:
    """20.0000 → 20, 12.5000 → 12.5 (never 2E+1)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def select(filters: Filters, build: Build | None) -> Page:
    if build is None:
        return Page(charts=[])
    kpis = list(rows_of(build, "kpi").order_by("extra__order", "item"))
    rows: list[dict[str, Any]] = []
    for k in kpis:
        target = Decimal(k.extra["target_value"])
        rows.append(
            {
                "kpi": k.item,
                "name": k.label,
                "unit": k.extra["unit"],
                "latest_value": _plain(k.value),
                "latest_date": k.date.isoformat() if k.date else None,
                "target_value": _plain(target),
                "target_date": k.extra["target_date"],
                "gap": _gap(k.value, target, k.extra["direction"]),
                "direction": k.extra["direction"],
                "owner": k.extra["owner"],
                "target_source": k.extra["target_source"],
                "source": k.extra["source"],
            }
        )
    columns = [
        Column("kpi", _("コード")),
        Column("name", _("KPI")),
        Column("unit", _("単位")),
        Column("latest_value", _("最新値"), numeric=True),
        Column("latest_date", _("最新値の時点")),
        Column("target_value", _("目標値"), numeric=True),
        Column("target_date", _("目標時期")),
        Column("gap", _("目標までの差"), numeric=True),
        Column("direction", _("向き")),
        Column("owner", _("所管")),
        Column("target_source", _("目標の根拠")),
        Column("source", _("出典")),
    ]
    directions = {d.value: str(d.label) for d in Direction}
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns[1:]]
    body = []
    for r in rows:
        shown = {
            **r,
            "latest_date": wareki(dt.date.fromisoformat(r["latest_date"])) if r["latest_date"] else None,
            "target_date": wareki(dt.date.fromisoformat(r["target_date"])),
            "direction": directions.get(r["direction"], r["direction"]),
        }
        body.append(
            [Cell(number_text(shown[c.key]), numeric=c.numeric, header=i == 0) for i, c in enumerate(columns[1:])]
        )
    title = _("KPIの最新値と目標")
    figure = charts.grouped_bar(
        title=title,
        categories=[r["name"] for r in rows],
        groups=[
            (_("最新値"), charts.OKABE_ITO[0], [r["latest_value"] for r in rows]),
            (_("目標値"), charts.OKABE_ITO[1], [r["target_value"] for r in rows]),
        ],
        axis_title=_("値"),
    )
    page = Page(charts=[Chart("kpis", title, columns, rows, Table(title, head, body), figure)])
    page.charts.append(_observations_chart(build, rows))
    return page


def _observations_chart(build: Build, kpis: list[dict[str, Any]]) -> Chart:
    names = {k["kpi"]: k["name"] for k in kpis}
    national_name = _("全国")
    observations = KpiObservation.objects.filter(date__lte=build.period).order_by(
        "kpi__code", "date", F("area__slug").asc(nulls_first=True)
    )
    rows = [
        {
            "kpi": item,
            "name": names.get(item, item),
            "date": date.isoformat(),
            "area": area or "",
            "area_name": label or national_name,
            "value": _plain(value),
            "source": source,
            "note": note,
        }
        for item, date, area, label, value, source, note in observations.values_list(
            "kpi__code", "date", "area__slug", "area__name", "value", "source", "note"
        )
    ]
    columns = [
        Column("kpi", _("コード")),
        Column("name", _("KPI")),
        Column("date", _("時点")),
        Column("area", _("地域コード")),
        Column("area_name", _("地域")),
        Column("value", _("値"), numeric=True),
        Column("source", _("出典")),
        Column("note", _("備考")),
    ]
    national = [r for r in rows if not r["area"]]
    title = _("KPIの観測値の推移（全国）と目標")
    lines: list[tuple[str, str, list[str], list[Any], bool]] = []
    for index, kpi in enumerate(kpis):
        colour = charts.OKABE_ITO[index % len(charts.OKABE_ITO)]
        points = [r for r in national if r["kpi"] == kpi["kpi"]]
        lines.append((kpi["name"], colour, [r["date"] for r in points], [r["value"] for r in points], False))
        if points:  # the way still to go: from the latest value to the target
            lines.append(
                (
                    _("%(name)s（目標）") % {"name": kpi["name"]},
                    colour,
                    [points[-1]["date"], kpi["target_date"]],
                    [points[-1]["value"], kpi["target_value"]],
                    True,
                )
            )
    figure = charts.dated_lines(title=title, lines=lines, axis_title=_("値"))
    # The page's table is the figure's numbers (national); the regional observations — 100,000 nationally,
    # far too many for a page — are in the chart's CSV and API series.
    head = [Cell(c.label, numeric=c.numeric, header=True) for c in columns[1:]]
    body = [
        [Cell(number_text(r[c.key]), numeric=c.numeric, header=i == 0) for i, c in enumerate(columns[1:])]
        for r in national
    ]
    note = ""
    if len(national) < len(rows):
        note = _("表は全国の値です。地域別の値（%(n)s件）を含むすべての観測値はCSVでダウンロードできます。") % {
            "n": f"{len(rows) - len(national):,}"
        }
    table = Table(_("KPIの観測値（全国）"), head, body)
    return Chart("observations", _("KPIの観測値"), columns, rows, table, figure, note=note)
