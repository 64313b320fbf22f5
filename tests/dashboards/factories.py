"""Small factories for the raw rows the dashboards count (catalog's tables), made directly in each test."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from catalog.models import (
    Adoption,
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    PublishedRate,
    PublishedSnapshot,
    SharedSystem,
    StepDefinition,
    StepProgress,
)
from portal.models import Organization

PUBLISHED_SOURCE = "総務省「標準化の進捗状況」令和8年1月"


def businesses(n: int = 20) -> list[BusinessArea]:
    """The first n of the 20 standardized businesses (real slugs and names)."""
    path = settings.FIXTURES_DIR / "standardized_businesses.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:n]
    result = []
    for row in rows:
        business, _created = BusinessArea.objects.update_or_create(
            slug=row["slug"],
            defaults={"code": row["code"], "name": row["name_ja"], "is_standardized": True, "order": int(row["no"])},
        )
        result.append(business)
    return result


def set_aside_catalog_data() -> None:
    """Count only what a test makes: the catalog's real published figures, loaded into the shared test database
    when catalog tests run in the same session, are removed inside the test's own transaction (rolled back after)."""
    StepProgress.objects.all().delete()
    MigrationStatus.objects.all().delete()
    PublishedSnapshot.objects.all().delete()  # with its rates and designated systems
    Adoption.objects.all().delete()
    BusinessArea.objects.filter(is_standardized=True).update(is_standardized=False)


def org(code: str) -> Organization:
    return Organization.objects.get(slug=code)


def migration_status(municipality: Organization, business: BusinessArea, status: str, **fields: Any) -> MigrationStatus:
    return MigrationStatus.objects.create(municipality=municipality, business=business, status=status, **fields)


def snapshot(kind: str, as_of: dt.date, source: str = PUBLISHED_SOURCE) -> PublishedSnapshot:
    return PublishedSnapshot.objects.create(kind=kind, as_of=as_of, source=source)


def rate(
    snap: PublishedSnapshot, municipality: Organization, business: BusinessArea | None, value: str
) -> PublishedRate:
    return PublishedRate.objects.create(
        snapshot=snap, municipality=municipality, business=business, rate=Decimal(value)
    )


def designated(
    snap: PublishedSnapshot, organization: Organization, business: BusinessArea | None, **fields: Any
) -> DesignatedSystem:
    return DesignatedSystem.objects.create(snapshot=snap, organization=organization, business=business, **fields)


def steps(n: int = 4) -> list[StepDefinition]:
    return [
        StepDefinition.objects.get_or_create(version="test", number=i, defaults={"name": f"手順{i}"})[0]
        for i in range(1, n + 1)
    ]


def step_progress(municipality: Organization, business: BusinessArea, states: list[str]) -> None:
    for step, state in zip(steps(len(states)), states, strict=True):
        StepProgress.objects.create(municipality=municipality, business=business, step=step, state=state)


def system(slug: str, pattern: str) -> SharedSystem:
    return SharedSystem.objects.create(slug=slug, name=f"システム{slug}", name_kana="システム", pattern=pattern)


def adoption(organization: Organization, shared: SharedSystem, status: str = "in_use") -> Adoption:
    return Adoption.objects.create(organization=organization, system=shared, status=status)
