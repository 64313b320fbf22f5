"""The published figures: totals reproduced exactly, statuses derived by DESIGN.md's rule, reloads idempotent."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import (
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    PublishedRate,
    PublishedSnapshot,
    PublishedSnapshotKind,
    Source,
)
from catalog.published import DESIGNATED_CSV, PROGRESS_CSV, PublishedLoadError, load_published_figures
from portal.models import Organization

pytestmark = pytest.mark.django_db


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_designated_systems_reproduce_the_published_total() -> None:
    snapshot = PublishedSnapshot.objects.get(kind=PublishedSnapshotKind.DESIGNATED_SYSTEMS)
    assert snapshot.as_of == dt.date(2025, 12, 1)
    assert "デジタル庁" in snapshot.source and "第三者" in snapshot.source
    rows = DesignatedSystem.objects.filter(snapshot=snapshot)
    assert rows.count() == 8956
    assert rows.values("organization").distinct().count() == 935
    assert rows.filter(organization__kind="prefecture").values("organization").distinct().count() == 37
    assert rows.filter(organization__kind="municipality").values("organization").distinct().count() == 898
    assert rows.filter(planned_fiscal_year__isnull=False).count() == 0  # the list carries no planned year


def test_every_municipality_has_twenty_statuses_and_rates() -> None:
    snapshot = PublishedSnapshot.objects.get(kind=PublishedSnapshotKind.PROGRESS_RATES)
    assert snapshot.as_of == dt.date(2026, 1, 1)
    assert "総務省" in snapshot.source
    assert MigrationStatus.objects.count() == 1741 * 20
    assert PublishedRate.objects.filter(snapshot=snapshot).count() == 1741 * 21  # 20 businesses + overall
    assert not MigrationStatus.objects.exclude(source=Source.PUBLISHED).exists()


def test_statuses_follow_the_rule_for_every_row_of_the_csv() -> None:
    flagged = set()
    for row in _csv(DESIGNATED_CSV):
        for key, value in row.items():
            if key.startswith("has_") and key != "has_common_functions" and value == "1":
                flagged.add((row["code"], key.removeprefix("has_")))
    current = {
        (code, slug): (status, completion)
        for code, slug, status, completion in MigrationStatus.objects.values_list(
            "municipality__code", "business__slug", "status", "step_completion"
        )
    }
    checked = 0
    for row in _csv(PROGRESS_CSV):
        for key, value in row.items():
            if not key.startswith("rate_"):
                continue
            slug = key.removeprefix("rate_")
            rate = Decimal(value)
            if rate == 1:
                expected = "migrated"
            elif (row["code"], slug) in flagged:
                expected = "designated_hard"
            elif rate == 0:
                expected = "not_started"
            else:
                expected = "migrating"
            assert current[(row["code"], slug)] == (expected, rate), (row["code"], slug)
            checked += 1
    assert checked == 1741 * 20


@pytest.mark.parametrize(
    ("code", "business", "status"),
    [
        ("205419", "long_term_care_insurance", "migrated"),  # 小布施町: flagged, but its rate is 1.0
        ("205419", "family_register", "migrating"),  # 0.95, not flagged
        ("011002", "child_allowance", "designated_hard"),  # 札幌市: 0.65 and flagged
        ("011002", "family_register", "migrated"),
    ],
)
def test_real_municipalities(code: str, business: str, status: str) -> None:
    row = MigrationStatus.objects.get(municipality__code=code, business__slug=business)
    assert row.status == status


def test_reload_is_idempotent_and_keeps_reported_rows() -> None:
    row = MigrationStatus.objects.get(municipality__code="205419", business__slug="family_register")
    MigrationStatus.objects.filter(pk=row.pk).update(status="migrated", source=Source.REPORTED, version=5)
    result = load_published_figures()
    assert result.statuses_created == 0
    assert result.statuses_updated == 0
    assert result.statuses_kept_reported == 1
    row.refresh_from_db()
    assert (row.status, row.source, row.version) == ("migrated", Source.REPORTED, 5)
    assert DesignatedSystem.objects.count() == 8956
    assert PublishedSnapshot.objects.count() == 2


def test_a_bad_row_changes_nothing(tmp_path: Path) -> None:
    lines = PROGRESS_CSV.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("0.", "x.", 1) if "0." in lines[5] else lines[5] + "x"
    bad = tmp_path / "progress.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = MigrationStatus.objects.filter(status="migrated").count()
    rates = PublishedRate.objects.count()
    with pytest.raises(PublishedLoadError, match="6行目"):
        load_published_figures(progress_path=bad)
    assert MigrationStatus.objects.filter(status="migrated").count() == before
    assert PublishedRate.objects.count() == rates


def test_business_areas_carry_their_ministries() -> None:
    assert BusinessArea.objects.filter(is_standardized=True).count() == 20
    assert BusinessArea.objects.get(slug="family_register").ministry == Organization.objects.get(name="法務省")
    assert BusinessArea.objects.get(slug="child_allowance").ministry == Organization.objects.get(name="こども家庭庁")
    assert BusinessArea.objects.filter(slug="counter", is_standardized=False).exists()
