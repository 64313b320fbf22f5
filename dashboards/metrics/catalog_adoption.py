"""Catalog adoption by commonization pattern (A / B / 標準化 / 個別開発): adoptions `in_use` only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

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
    # Counted per organization first and the organizations of a cell in Python: COUNT(DISTINCT) made the
    # database sort all 150,000 adoptions nationally (most of this builder's time).
    per_organization = in_use.values("organization", pref, band, kind, "system__pattern").annotate(n=Count("id"))
    cells: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])  # cell -> [adoptions, orgs]
    for r in per_organization.order_by():
        cell = cells[(r[pref], r[band], r[kind], r["system__pattern"])]
        cell[0] += r["n"]
        cell[1] += 1
    for (prefecture_code, population_band, organization_kind, pattern), (n, orgs) in cells.items():
        dims: dict[str, Any] = {"prefecture_code": prefecture_code, "population_band": population_band}
        dims |= {"status": organization_kind, "item": pattern}
        yield Row("in_use", n, **dims)
        # Each organization sits in exactly one (prefecture, band, kind) cell, so these sum across cells.
        yield Row("organizations", orgs, **dims)
    systems = in_use.values("system__slug", "system__name", "system__pattern").annotate(n=Count("id"))
    for r in systems.order_by("system__slug"):
        yield Row("systems", r["n"], item=r["system__slug"], status=r["system__pattern"], label=r["system__name"])
