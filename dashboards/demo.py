"""Dashboards after `seed_demo`: the KPIs of the 2022 publication survey, then every aggregate built."""

from __future__ import annotations

from typing import Any

from .demo_national import seed_national
from .kpis import load_publication_survey
from .services import aggregates_build_all


def seed(*, scale: str, stdout: Any) -> None:
    load_publication_survey()
    if scale == "national":
        seed_national(stdout=stdout)
    for build in aggregates_build_all():
        stdout.write(f"  {build.metric}: {build.rows_written:,} 行を集計しました")
