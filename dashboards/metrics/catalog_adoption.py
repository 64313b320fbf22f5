"""Catalog adoption by commonization pattern (A / B / 標準化 / 個別開発): adoptions `in_use` only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count

from catalog.models import Adoption, AdoptionStatus

from . import Output, Row, metric

NAME = "catalog_adoption"


@metric(NAME, history=("in_use", "organizations"))
def build(period: dt.date) -> Output:
    return Output(rows=_rows())


def _rows() -> Iterator[Row]:
    in_use = Adoption.objects.filter(status=AdoptionStatus.IN_USE)
    pref, band, kind = "organization__prefecture_code", "organization__population_band", "organization__kind"
    grouped = in_use.values(pref, band, kind, "system__pattern")
    for r in grouped.annotate(n=Count("id"), orgs=Count("organization", distinct=True)).order_by():
        dims = {"prefecture_code": r[pref], "population_band": r[band], "status": r[kind], "item": r["system__pattern"]}
        yield Row("in_use", r["n"], **dims)
        # Each organization sits in exactly one (prefecture, band, kind) cell, so these sum across cells.
        yield Row("organizations", r["orgs"], **dims)
    systems = in_use.values("system__slug", "system__name", "system__pattern").annotate(n=Count("id"))
    for r in systems.order_by("system__slug"):
        yield Row("systems", r["n"], item=r["system__slug"], status=r["system__pattern"], label=r["system__name"])
