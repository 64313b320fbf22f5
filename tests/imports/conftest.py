"""Fixtures for the import tests: the 20 standardized businesses, a step list, and a fingerprint of the tables."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from catalog.models import BusinessArea, MigrationStatus, PublishedRate, PublishedSnapshot, StepDefinition, StepProgress
from portal.models import AuditEntry, ImportRecord, Organization

TABLES = [
    Organization,
    MigrationStatus,
    StepDefinition,
    StepProgress,
    PublishedSnapshot,
    PublishedRate,
    AuditEntry,
    ImportRecord,
]


@pytest.fixture
def businesses(db: Any) -> dict[str, BusinessArea]:
    """The 20 standardized businesses from fixtures/standardized_businesses.csv, by slug."""
    path = Path(settings.BASE_DIR) / "fixtures" / "standardized_businesses.csv"
    codes = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.append(row["code"])
            BusinessArea.objects.update_or_create(
                code=row["code"],
                defaults={
                    "slug": row["slug"],
                    "name": row["name_ja"],
                    "name_en": row["name_en"],
                    "is_standardized": True,
                    "aliases": row["aliases_ja"],
                    "order": int(row["no"]),
                },
            )
    return {b.slug: b for b in BusinessArea.objects.filter(code__in=codes)}


def step_list(count: int) -> list[StepDefinition]:
    """Steps 1..count of version 2024.1 (whatever step list the database already holds is overwritten)."""
    for n in range(1, count + 1):
        StepDefinition.objects.update_or_create(
            version="2024.1", number=n, defaults={"phase": "移行", "name": f"作業{n}"}
        )
    StepDefinition.objects.filter(version="2024.1", number__gt=count).delete()
    return list(StepDefinition.objects.filter(version="2024.1").order_by("number"))


@pytest.fixture
def steps(db: Any) -> list[StepDefinition]:
    """A step list of 40 steps (version 2024.1)."""
    return step_list(40)


def fingerprint() -> str:
    """A digest of every row of the tables an import may touch: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for model in TABLES:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()


@pytest.fixture
def published_statuses(businesses: dict[str, BusinessArea]) -> list[MigrationStatus]:
    """Published statuses of 長野県's 小布施町 and 佐久市 and 鳥取県智頭町 for three businesses (not started).

    The database may already hold the real published figures (the catalog tests load them): these rows are set.
    """
    rows = []
    for code in ("205419", "202177", "313289"):
        org = Organization.objects.get(code=code)
        for slug in ("resident_registry", "individual_inhabitant_tax", "national_pension"):
            row, _created = MigrationStatus.objects.update_or_create(
                municipality=org,
                business=businesses[slug],
                defaults={
                    "status": "not_started",
                    "planned_fiscal_year": None,
                    "vendor_name": "",
                    "on_gov_cloud": None,
                    "source": "published",
                    "version": 1,
                },
            )
            rows.append(row)
    return rows
