"""The step list of the national migration procedure (data, versioned): loaded from fixtures, not written in code."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import StepDefinition

STEP_LIST_CSV = Path(settings.BASE_DIR) / "fixtures" / "step_definitions_2024.1.csv"


class StepListError(ValueError):
    """A row of the step list is wrong; the message names the line."""


@transaction.atomic
def load_step_definitions(path: Path = STEP_LIST_CSV) -> str:
    """Create or update the steps of the file's version; returns the version. Atomic and idempotent."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    versions = {row["version"].strip() for row in rows}
    if len(versions) != 1:
        raise StepListError(f"{path.name}: 1つのファイルには1つの版だけを含めてください。")
    for line, row in enumerate(rows, start=2):
        if not row["number"].strip().isdigit() or not row["name"].strip():
            raise StepListError(f"{path.name} {line}行目: 番号と作業名は必須です。")
        StepDefinition.objects.update_or_create(
            version=row["version"].strip(),
            number=int(row["number"]),
            defaults={"phase": row["phase"].strip(), "name": row["name"].strip()},
        )
    return versions.pop()
