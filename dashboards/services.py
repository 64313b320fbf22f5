"""Writing the aggregates (the nightly build) and recording KPI observations."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from portal.models import Organization

from . import metrics
from .models import AggregateRow, Build, BuildStatus, Kpi, KpiObservation

BATCH_SIZE = 2000
Progress = Callable[[int], None]


def _lock(metric: str) -> None:
    """Hold the metric's build lock until the transaction ends, so two builds never interleave.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the first write takes the database's single
    write lock for the whole transaction, which serializes builds just the same.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"dashboards:{metric}".encode())])
            # The builders' few large GROUP BYs cross PostgreSQL's JIT cost threshold, and compiling them took
            # longer than running them (0.6 s of the decision-days query nationally).
            cursor.execute("SET LOCAL jit = off")


ABANDONED = "interrupted: the build stopped without finishing (worker killed or restarted)"


def _close_abandoned(metric: str, *, before: Build) -> None:
    """Mark as failed the earlier builds of `metric` still recorded as running.

    Called holding the metric's lock: a build whose worker is alive holds that lock until it ends, so an earlier
    build still `running` here died without reaching its except clause (killed worker, lost connection).
    """
    Build.objects.filter(metric=metric, status=BuildStatus.RUNNING, pk__lt=before.pk).update(
        status=BuildStatus.FAILED, finished_at=timezone.now(), error=ABANDONED
    )


def _batches(rows: Iterable[metrics.Row]) -> Iterator[list[metrics.Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


_FIELDS = [f for f in AggregateRow._meta.concrete_fields if not f.primary_key]
_OWN = ("metric", "period", "key", "label")  # the columns not copied from a Row's attribute as they are
_COPIED = [f.name for f in _FIELDS if f.name not in _OWN]
_ORDER = [*_OWN, *_COPIED]
# Position in _FIELDS of each value _values builds (own first, then the copied attributes).
_POSITIONS = [_ORDER.index(f.name) for f in _FIELDS]


def _values(metric: str, period: dt.date, row: metrics.Row) -> list[object]:
    """One row's column values, in the order of _FIELDS, as the database stores them.

    Runs once per aggregate (~140,000 nationally), so it reads attributes directly instead of going through
    a dictionary per row.
    """
    built: list[object] = [metric, period, row.key(), row.label[:200]]
    built += [getattr(row, name) for name in _COPIED]
    values = [built[i] for i in _POSITIONS]
    return [
        (json.dumps(v, ensure_ascii=False, sort_keys=True) if v else "{}") if type(v) is dict else v for v in values
    ]


def _insert(metric: str, period: dt.date, rows: list[metrics.Row]) -> None:
    """Insert one batch: COPY on PostgreSQL, one parameterized executemany on SQLite.

    A national build writes ~100,000 rows; bulk_create's per-row model instances and SQL compilation took
    most of the build's time. The values are the ones the ORM would store (text for JSON; on SQLite, ISO
    dates and decimal strings, as Django's SQLite backend writes them).
    """
    table = connection.ops.quote_name(AggregateRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_values(metric, period, row))
            return
        params = [[_sqlite(v) for v in _values(metric, period, row)] for row in rows]
        placeholders = ", ".join(["%s"] * len(_FIELDS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)  # noqa: S608 - model names


def _sqlite(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def aggregates_build(*, metric: str, period: dt.date, on_progress: Progress | None = None) -> Build:
    """Rebuild one metric's aggregates for one period, whole, and swap them in atomically.

    Idempotent: the same raw data gives the same rows however often it runs. The old rows of the period are
    deleted and the new ones inserted in one transaction, which also marks the build done, so readers see
    either the previous build or this one, never a mix. If the builder fails, the transaction rolls back,
    the previous build stays visible and the Build row records the failure. Series that are not kept as
    history are pruned from earlier periods in the same transaction.
    """
    metrics.load_all()
    spec = metrics.METRICS[metric]
    build = Build.objects.create(metric=metric, period=period, started_at=timezone.now())
    try:
        with transaction.atomic():
            _lock(metric)
            _close_abandoned(metric, before=build)
            Build.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING)
            AggregateRow.objects.filter(metric=metric, period=period).delete()
            AggregateRow.objects.filter(metric=metric, period__lt=period).exclude(series__in=spec.history).delete()
            output = spec.build(period)
            written = 0
            for batch in _batches(output.rows):
                _insert(metric, period, batch)
                written += len(batch)
                if on_progress is not None:
                    on_progress(len(batch))
            build.status = BuildStatus.DONE
            build.finished_at = timezone.now()
            build.rows_written = written
            build.meta = output.meta
            build.save(update_fields=["status", "finished_at", "rows_written", "meta"])
    except Exception as exc:
        Build.objects.filter(pk=build.pk).update(
            status=BuildStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return build


def aggregates_build_all(
    *, period: dt.date | None = None, names: Iterable[str] | None = None, on_progress: Progress | None = None
) -> list[Build]:
    """Build every registered metric (or those named) for `period` (default: today in Asia/Tokyo)."""
    metrics.load_all()
    period = period or timezone.localdate()
    selected = list(names) if names else sorted(metrics.METRICS)
    unknown = [name for name in selected if name not in metrics.METRICS]
    if unknown:
        raise ValueError(f"未登録の指標です：{', '.join(unknown)}")
    builds = [aggregates_build(metric=name, period=period, on_progress=on_progress) for name in selected]
    _vacuum()
    return builds


def _vacuum() -> None:
    """Reclaim the previous build's rows right away (PostgreSQL, outside any transaction).

    Each build deletes the rows it replaces; left to autovacuum (off on some servers, late on busy ones),
    the dead rows piled up build after build, and the next build's DELETEs and the pages' reads walked over
    all of them (the table grew to four times its live rows after a few builds).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {connection.ops.quote_name(AggregateRow._meta.db_table)}")


@transaction.atomic
def kpi_observation_record(
    *,
    kpi: Kpi,
    date: dt.date,
    value: Decimal,
    source: str,
    area: Organization | None = None,
    note: str = "",
) -> KpiObservation:
    """Record (or correct) the value of a KPI on a date, nationally or for one area. Idempotent per key."""
    observation, _created = KpiObservation.objects.update_or_create(
        kpi=kpi, date=date, area=area, defaults={"value": value, "source": source, "note": note}
    )
    return observation
