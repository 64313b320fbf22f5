"""The registry of metrics (nightly builders) and dashboards (pages that read what the builders wrote).

Each module of this package registers one metric with `@metric(...)`: a function `build(period) -> Output`
that reads the raw tables with set-based queries (GROUP BY in the database) and returns rows. The money
metric (subsidy_budget) is restricted and keeps its numbers per applicant organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DIMENSIONS = (
    "prefecture_code",
    "population_band",
    "organization_code",
    "business",
    "item",
    "status",
    "year",
    "date",
)


@dataclass(slots=True)
class Row:
    """One aggregate number before it is written: its series, dimensions and values."""

    series: str
    count: int = 0
    value: Decimal | None = None
    prefecture_code: str = ""
    population_band: str = ""
    organization_code: str = ""
    business: str = ""
    item: str = ""
    status: str = ""
    year: int | None = None
    date: dt.date | None = None
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """The canonical text of the dimensions (unique per metric, series and period)."""
        parts = []
        for name in DIMENSIONS:
            value = getattr(self, name)
            if value not in ("", None):
                parts.append(f"{name}={value.isoformat() if isinstance(value, dt.date) else value}")
        return "|".join(parts)


@dataclass
class Output:
    rows: Iterable[Row]
    meta: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[dt.date], Output]


@dataclass(frozen=True)
class Metric:
    name: str
    build: Builder
    # Series kept for every period (the trend); the others are kept for the latest period only.
    history: frozenset[str]


METRICS: dict[str, Metric] = {}


def metric(name: str, *, history: Iterable[str]) -> Callable[[Builder], Builder]:
    def register(func: Builder) -> Builder:
        METRICS[name] = Metric(name=name, build=func, history=frozenset(history))
        return func

    return register


def load_all() -> None:
    """Import every metric module so that its builder and dashboard are registered."""
    from . import catalog_adoption, joint_procurement, kpi, migration_progress, subsidy_budget  # noqa: F401
