"""共同調達 trend: counts of public joint procurements and of municipalities taking part (counts only: no
percentages or rankings, as the local governments asked). The live view is /procurement/dashboard/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count

from procurement.models import (
    PUBLIC_STATUSES,
    JointProcurement,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
)

from . import Output, Row, metric

NAME = "joint_procurement"


@metric(NAME, history=("category", "procurements", "participants"))
def build(period: dt.date) -> Output:
    return Output(rows=_rows())


def _rows() -> Iterator[Row]:
    for index, category in enumerate(ProcurementCategory.objects.order_by("order", "slug").values("slug", "name")):
        yield Row("category", index + 1, item=category["slug"], label=category["name"])
    public = JointProcurement.objects.filter(status__in=PUBLIC_STATUSES)
    pref = "lead_prefecture__prefecture_code"
    for r in public.values(pref, "category__slug", "status").annotate(n=Count("id")).order_by():
        yield Row("procurements", r["n"], prefecture_code=r[pref], item=r["category__slug"], status=r["status"])
    committed = Participation.objects.filter(procurement__in=public, status=ParticipationStatus.COMMITTED)
    pref = "procurement__lead_prefecture__prefecture_code"
    grouped = committed.values(pref, "procurement__category__slug")
    for r in grouped.annotate(n=Count("municipality", distinct=True)).order_by():
        yield Row("participants", r["n"], prefecture_code=r[pref], item=r["procurement__category__slug"])
