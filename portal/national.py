"""The national-scale data set (issue #9): its sizes, and fast PostgreSQL writes for the generators.

`seed_demo --scale national` builds it at factor 1; a test builds it at a small factor. The generators live
next to each app's demo data (`catalog/demo/national.py`, `subsidies/demo_national.py`, …) and write with
`copy_rows` (PostgreSQL COPY), setting every column themselves, timestamps included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models

SEED = 2026


@dataclass(frozen=True)
class Sizes:
    municipalities: int = 1741  # whose step rows are written (all of them at factor 1)
    systems: int = 10_000
    adoptions: int = 200_000
    claims: int = 20_000
    line_items: int = 200_000
    procurements: int = 2_000
    participations: int = 15_000
    kpi_observations: int = 100_000


def sizes(factor: float = 1.0) -> Sizes:
    """The sizes at `factor` (1 = national), each at least 1."""
    full = Sizes()
    return Sizes(**{name: max(1, round(value * factor)) for name, value in full.__dict__.items()})


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("The national data set is built on PostgreSQL only (set DATABASE_URL).")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's own sequence, so rows written by COPY can reference each other."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows (tuples in the order of `columns`, which are database column names) with COPY.

    `rows` may be a generator, but it must not query the database: the connection is busy with the COPY.
    The table's foreign keys are checked once for all rows at the end (one validating scan per key) instead
    of row by row at commit, which for a million rows takes minutes."""
    require_postgresql()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks already queued: ALTER refuses to wait
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype = 'f' ORDER BY conname",
            [model._meta.db_table],
        )
        keys = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    return written


def delete_where(model: type[models.Model], where: str, params: Sequence[Any] = ()) -> int:
    """A set-wise DELETE (no per-row cascade in Python): the caller deletes children first."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608 - table and clause are ours
        return cursor.rowcount


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Japan-time moment on a day (what the portal records for actions in office hours)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo("Asia/Tokyo"))
