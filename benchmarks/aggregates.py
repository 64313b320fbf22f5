"""The full nightly aggregate build against one sequential read of every source table it reads.

The tables are the ones the build's SELECTs name (recorded while it runs), so the floor follows the builders
as they change. Runs inside Django (see jobs.py).
"""

from __future__ import annotations

import re
import time
from typing import Any

from .report import Figure

_QUOTED = re.compile(r'"([a-z0-9_]+)"')


def _count_all(tables: list[str]) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            cursor.fetchone()
    return time.perf_counter() - started


def build_and_floor() -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection

    from dashboards.models import AggregateRow, Build
    from dashboards.services import aggregates_build_all

    named: set[str] = set()

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            named.update(_QUOTED.findall(sql))
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(record):
        builds = aggregates_build_all()
    build_s = time.perf_counter() - started
    own = {AggregateRow._meta.db_table, Build._meta.db_table}
    tables = sorted(named & {m._meta.db_table for m in apps.get_models()} - own)
    _count_all(tables)  # the first pass may read from disk; the build read from memory too
    return {
        "build_s": build_s,
        "floor_s": _count_all(tables),
        "tables": tables,
        "rows": sum(b.rows_written for b in builds),
    }


def figure(result: dict[str, Any]) -> Figure:
    return Figure(
        f"full nightly aggregate build ({result['rows']:,} rows)",
        result["build_s"],
        f"SELECT count(*) of its {len(result['tables'])} source tables",
        result["floor_s"],
        "<= 5x",
    )
