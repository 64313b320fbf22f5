"""KPIs (EBPM): each KPI's latest national observation against its target.

The observations themselves are not copied: they are already stored input (100,000 nationally), and copying
them every night was most of the build's time. The page reads them as of the build's period
(`dashboards.selectors.kpi`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from ..models import Kpi, KpiObservation
from . import Output, Row, metric

NAME = "kpi"


@metric(NAME, history=("kpi",))
def build(period: dt.date) -> Output:
    return Output(rows=_rows(period))


def _rows(period: dt.date) -> Iterator[Row]:
    kpis = list(Kpi.objects.select_related("owner").order_by("order", "code"))
    national = KpiObservation.objects.filter(date__lte=period, area__isnull=True).order_by("kpi_id", "date")
    latest: dict[int, tuple[dt.date, Decimal]] = {}
    counts: dict[int, int] = {}
    for kpi_id, date, value in national.values_list("kpi_id", "date", "value"):
        latest[kpi_id] = (date, value)  # ordered by date: the last one wins
        counts[kpi_id] = counts.get(kpi_id, 0) + 1
    for index, kpi in enumerate(kpis):
        last = latest.get(kpi.pk)
        yield Row(
            "kpi",
            counts.get(kpi.pk, 0),
            value=last[1] if last else None,
            item=kpi.code,
            date=last[0] if last else None,
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
