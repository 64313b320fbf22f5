"""Importing 100,000 step-progress rows (the Celery task's path) against PostgreSQL COPY of the same file.

The file covers 北海道's municipalities (179 × 20 businesses × 40 steps) and gives every row a state other than
the stored one, so each run changes all of its rows. It is imported by a prefecture's staff on the
municipalities' behalf. Each part runs inside Django in a process of its own (see jobs.py), so the import's
peak memory is its own.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path
from typing import Any

from .report import Figure

ROWS = 100_000
PREFECTURE = "010006"  # 北海道
USERNAME = "bench-hokkaido-staff"
COLUMNS = ["municipality", "business", "step", "state", "reported_month", "step_version"]
MEMORY_LIMIT_MB = 512


def prepare(path: str) -> dict[str, Any]:
    """Write the CSV and make sure the prefecture's benchmark login exists."""
    from catalog.models import BusinessArea, StepDefinition, StepProgress, StepState
    from portal.models import Organization, Role, User

    prefecture = Organization.objects.get(code=PREFECTURE)
    User.objects.update_or_create(username=USERNAME, defaults={"organization": prefecture, "role": Role.STAFF})
    municipalities = list(Organization.objects.filter(prefecture=prefecture).order_by("code").values_list("id", "code"))
    businesses = list(BusinessArea.objects.filter(is_standardized=True).order_by("code").values_list("id", "slug"))
    version = StepDefinition.objects.order_by("-version").values_list("version", flat=True).first()
    steps = list(StepDefinition.objects.filter(version=version).order_by("number").values_list("id", "number"))
    stored = {
        (m, b, s): state
        for m, b, s, state in StepProgress.objects.filter(municipality__prefecture=prefecture).values_list(
            "municipality_id", "business_id", "step_id", "state"
        )
    }
    states = [StepState.DONE, StepState.IN_PROGRESS, StepState.NOT_STARTED]
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for m_id, code in municipalities:
            for b_id, slug in businesses:
                for s_id, number in steps:
                    if written == ROWS:
                        break
                    current = stored.get((m_id, b_id, s_id))
                    state = states[(states.index(current) + 1) % 3 if current in states else 0]
                    writer.writerow([code, slug, number, state, "2026-10", version])
                    written += 1
    return {"rows": written}


def copy_floor(path: str) -> dict[str, Any]:
    """COPY the file into a scratch table: the median of three runs."""
    from django.db import connection

    data = Path(path).read_bytes()
    times = []
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE import_scratch ({', '.join(f'{c} text' for c in COLUMNS)})")
        for _run in range(3):
            cursor.execute("TRUNCATE import_scratch")
            started = time.perf_counter()
            with cursor.cursor.copy("COPY import_scratch FROM STDIN (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
            times.append(time.perf_counter() - started)
    return {"copy_s": statistics.median(times)}


def run_import(path: str) -> dict[str, Any]:
    """Queue the file as the upload page does and run the task (eagerly, in this process) to the end."""
    from portal.imports.kinds import get_kind
    from portal.imports.services import Upload, import_start
    from portal.models import ImportStatus, User

    kind = get_kind("migration-steps")
    assert kind is not None
    actor = User.objects.get(username=USERNAME)
    upload = Upload(name="step-progress-100k.csv", data=Path(path).read_bytes())
    started = time.perf_counter()
    record = import_start(kind=kind, actor=actor, upload=upload, dry_run=False)
    seconds = time.perf_counter() - started
    record.refresh_from_db()
    if record.status != ImportStatus.DONE:
        raise RuntimeError(f"the import failed: {record.errors[:3]}")
    return {"import_s": seconds, "new": record.count_new, "update": record.count_update}


def figures(rows: int, imported: dict[str, Any], copy: dict[str, Any], peak_mb: float) -> list[Figure]:
    label = f"import of a {rows:,}-row step-progress CSV"
    return [
        Figure(
            label, imported["import_s"], "PostgreSQL COPY of the file into a scratch table", copy["copy_s"], "<= 20x"
        ),
        Figure(f"{label}: peak RSS", peak_mb, f"{MEMORY_LIMIT_MB} MB budget", MEMORY_LIMIT_MB, "<= 1x", unit="MB"),
    ]
