"""KPIs (EBPM): each KPI's latest national observation against its target, and every observation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..models import Kpi, KpiObservation
from . import Output, Row, metric

NAME = "kpi"


@metric(NAME, history=("kpi",))
def build(period: dt.date) -> Output:
    return Output(rows=_rows(period))


def _rows(period: dt.date) -> Iterator[Row]:
    kpis = list(Kpi.objects.select_related("owner").order_by("order", "code"))
    observations = list(
        KpiObservation.objects.filter(date__lte=period).select_related("area").order_by("kpi_id", "date", "area_id")
    )
    latest: dict[int, KpiObservation] = {}
    counts: dict[int, int] = {}
    for obs in observations:
        if obs.area_id is None:
            latest[obs.kpi_id] = obs  # ordered by date: the last one wins
            counts[obs.kpi_id] = counts.get(obs.kpi_id, 0) + 1
    by_id = {k.pk: k for k in kpis}
    for index, kpi in enumerate(kpis):
        last = latest.get(kpi.pk)
        yield Row(
            "kpi",
            counts.get(kpi.pk, 0),
            value=last.value if last else None,
            item=kpi.code,
            date=last.date if last else None,
            label=kpi.name,
            extra={
                "order": index + 1,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "target_value": str(kpi.target_value),
                "target_date": kpi.target_date.isoformat(),
                "target_source": kpi.target_source,
                "owner": kpi.owner.name,
                "source": kpi.source,
            },
        )
    for obs in observations:
        yield Row(
            "observation",
            1,
            value=obs.value,
            item=by_id[obs.kpi_id].code,
            date=obs.date,
            organization_code=obs.area.slug if obs.area else "",
            label=obs.area.name if obs.area else "",
            extra={"source": obs.source, "note": obs.note},
        )
