"""The nightly build: idempotent, atomic, reconciled with the raw tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from catalog.models import DesignatedSystem, MigrationStatus
from dashboards import metrics, services
from dashboards.models import AggregateRow, Build, BuildStatus
from dashboards.selectors import current_build
from portal.models import Organization, OrganizationKind

DAY = dt.date(2026, 2, 1)
FIELDS = [f.name for f in AggregateRow._meta.fields if f.name != "id"]


def snapshot_of(metric: str, period: dt.date) -> list[tuple[Any, ...]]:
    return list(
        AggregateRow.objects.filter(metric=metric, period=period).order_by("series", "key").values_list(*FIELDS)
    )


def test_two_builds_of_a_period_write_identical_rows(progress_data: Any) -> None:
    first = services.aggregates_build(metric="migration_progress", period=DAY)
    rows_first = snapshot_of("migration_progress", DAY)
    second = services.aggregates_build(metric="migration_progress", period=DAY)
    assert snapshot_of("migration_progress", DAY) == rows_first
    assert len(rows_first) == first.rows_written == second.rows_written > 0
    assert current_build("migration_progress") == second


def test_a_build_that_dies_midway_leaves_the_previous_build_visible(progress_data: Any, monkeypatch: Any) -> None:
    services.aggregates_build(metric="migration_progress", period=DAY)
    before = snapshot_of("migration_progress", DAY)
    good = current_build("migration_progress")
    spec = metrics.METRICS["migration_progress"]

    def dying(period: dt.date) -> metrics.Output:
        rows = list(spec.build(period).rows)

        def generate() -> Any:
            yield from rows[:5]
            raise RuntimeError("worker killed")

        return metrics.Output(rows=generate())

    monkeypatch.setattr(services, "BATCH_SIZE", 2)  # some rows are inserted before it dies
    monkeypatch.setitem(
        metrics.METRICS, "migration_progress", metrics.Metric("migration_progress", dying, spec.history)
    )
    with pytest.raises(RuntimeError):
        services.aggregates_build(metric="migration_progress", period=DAY)

    failed = Build.objects.filter(metric="migration_progress").latest("started_at")
    assert failed.status == BuildStatus.FAILED and "worker killed" in failed.error
    assert snapshot_of("migration_progress", DAY) == before
    assert current_build("migration_progress") == good

    monkeypatch.setitem(metrics.METRICS, "migration_progress", spec)
    again = services.aggregates_build(metric="migration_progress", period=DAY)
    assert again.status == BuildStatus.DONE
    assert snapshot_of("migration_progress", DAY) == before


def test_a_killed_build_is_recorded_as_interrupted_by_the_next_one(progress_data: Any) -> None:
    """A worker killed mid-build never reaches its except clause; the next build closes its record."""
    killed = Build.objects.create(metric="migration_progress", period=DAY, started_at=timezone.now())
    other_metric = Build.objects.create(metric="catalog_adoption", period=DAY, started_at=timezone.now())
    done = services.aggregates_build(metric="migration_progress", period=DAY)
    killed.refresh_from_db()
    other_metric.refresh_from_db()
    assert killed.status == BuildStatus.FAILED and killed.finished_at is not None
    assert "interrupted" in killed.error
    assert done.status == BuildStatus.DONE
    assert other_metric.status == BuildStatus.RUNNING  # another metric's build is its own lock's business


def test_status_counts_reconcile_with_the_raw_tables(progress_data: Any) -> None:
    services.aggregates_build(metric="migration_progress", period=DAY)
    municipalities = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count()
    status = AggregateRow.objects.filter(metric="migration_progress", period=DAY, series="status")
    per_business = dict(status.values_list("business").annotate(n=Sum("count")))
    assert len(per_business) == 3
    # Every municipality is counted once per business, those without a row as "no data".
    assert set(per_business.values()) == {municipalities}
    raw = dict(MigrationStatus.objects.values_list("status").annotate(n=Count("id")))
    built = dict(status.exclude(status="no_data").values_list("status").annotate(n=Sum("count")))
    assert built == raw
    assert (
        status.filter(status="no_data").aggregate(n=Sum("count"))["n"]
        == 3 * municipalities - MigrationStatus.objects.count()
    )


def test_designated_systems_reproduce_the_published_total(progress_data: Any) -> None:
    services.aggregates_build(metric="migration_progress", period=DAY)
    designated = AggregateRow.objects.filter(metric="migration_progress", period=DAY, series="designated")
    assert designated.aggregate(n=Sum("count"))["n"] == DesignatedSystem.objects.count() == 4
    assert designated.filter(business="common_functions").aggregate(n=Sum("count"))["n"] == 1
    organizations = AggregateRow.objects.filter(
        metric="migration_progress", period=DAY, series="designated_organizations"
    )
    assert dict(organizations.values_list("status").annotate(n=Sum("count"))) == {"municipality": 2, "prefecture": 1}
    build = current_build("migration_progress")
    assert build is not None
    assert build.meta["progress_rates"]["as_of"] == "2026-01-01"
    assert build.meta["designated_systems"]["as_of"] == "2025-12-01"


def test_daily_snapshots_keep_the_trend_and_prune_the_detail(progress_data: Any) -> None:
    services.aggregates_build(metric="migration_progress", period=DAY)
    MigrationStatus.objects.filter(
        municipality__slug="202177", business__slug=progress_data["businesses"][1].slug
    ).update(status="migrated")
    services.aggregates_build(metric="migration_progress", period=DAY + dt.timedelta(days=1))
    status = AggregateRow.objects.filter(metric="migration_progress", series="status", status="migrated")
    by_day = dict(status.values_list("period").annotate(n=Sum("count")))
    assert by_day == {DAY: 4, DAY + dt.timedelta(days=1): 5}
    detail_days = set(
        AggregateRow.objects.filter(metric="migration_progress", series="municipality_status").values_list(
            "period", flat=True
        )
    )
    assert detail_days == {DAY + dt.timedelta(days=1)}


def test_every_metric_builds_on_an_empty_catalog(db: Any) -> None:
    builds = services.aggregates_build_all(period=DAY)
    assert sorted(b.metric for b in builds) == [
        "catalog_adoption",
        "joint_procurement",
        "kpi",
        "migration_progress",
        "subsidy_budget",
    ]
    assert all(b.status == BuildStatus.DONE for b in builds)


def test_an_unknown_metric_is_refused_before_anything_runs(db: Any) -> None:
    with pytest.raises(ValueError, match="未登録"):
        services.aggregates_build_all(period=DAY, names=["money"])
    assert not Build.objects.exists()
