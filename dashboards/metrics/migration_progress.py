"""標準化の進捗: the 20 standardized businesses by status, steps, 特定移行支援システム and Government Cloud.

Builder only; the page's reading side is `dashboards.selectors.migration_progress`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Sum

from catalog.models import (
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    PublishedRate,
    PublishedSnapshot,
    PublishedSnapshotKind,
    Source,
    StepProgress,
)
from portal.models import Organization, OrganizationKind

from . import Output, Row, metric

NAME = "migration_progress"
NO_DATA = "no_data"  # a municipality with no status row for a business: counted, never guessed
COMMON_FUNCTIONS = "common_functions"  # 共通機能 in the 特定移行支援システム list
HISTORY = (
    "business",
    "status",
    "gov_cloud",
    "reported",
    "published_rate",
    "steps",
    "designated",
    "designated_organizations",
)


def _snapshot_meta(kind: str) -> tuple[PublishedSnapshot | None, dict[str, Any]]:
    snapshot = PublishedSnapshot.objects.filter(kind=kind).order_by("-as_of").first()
    if snapshot is None:
        return None, {}
    return snapshot, {"as_of": snapshot.as_of.isoformat(), "source": snapshot.source}


def _gov_cloud(value: bool | None) -> str:
    if value is None:
        return "unknown"
    return "yes" if value else "no"


@metric(NAME, history=HISTORY)
def build(period: dt.date) -> Output:
    rates_snapshot, rates_meta = _snapshot_meta(PublishedSnapshotKind.PROGRESS_RATES)
    designated_snapshot, designated_meta = _snapshot_meta(PublishedSnapshotKind.DESIGNATED_SYSTEMS)
    meta = {"progress_rates": rates_meta, "designated_systems": designated_meta}
    return Output(rows=_rows(rates_snapshot, designated_snapshot), meta=meta)


def _rows(rates_snapshot: PublishedSnapshot | None, designated_snapshot: PublishedSnapshot | None) -> Iterator[Row]:
    businesses = list(
        BusinessArea.objects.filter(is_standardized=True).order_by("order", "code").values("slug", "name")
    )
    slugs = [b["slug"] for b in businesses]
    for index, business in enumerate(businesses):
        yield Row(series="business", business=business["slug"], label=business["name"], count=index + 1)

    municipalities = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY)
    cells: dict[tuple[str, str], int] = defaultdict(int)  # (prefecture, band) -> municipalities
    for m in municipalities.values("slug", "name", "prefecture_code", "population_band").order_by("slug"):
        cells[(m["prefecture_code"], m["population_band"])] += 1
        yield Row(
            series="municipality",
            organization_code=m["slug"],
            prefecture_code=m["prefecture_code"],
            population_band=m["population_band"],
            label=m["name"],
            count=1,
        )

    statuses = MigrationStatus.objects.filter(
        municipality__kind=OrganizationKind.MUNICIPALITY, business__slug__in=slugs
    )
    pref, band = "municipality__prefecture_code", "municipality__population_band"

    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in statuses.values(pref, band, "business__slug", "status").annotate(n=Count("id")).order_by():
        counted[(r[pref], r[band], r["business__slug"])] += r["n"]
        yield Row(
            "status",
            r["n"],
            prefecture_code=r[pref],
            population_band=r[band],
            business=r["business__slug"],
            status=r["status"],
        )
    for (prefecture_code, population_band), total in sorted(cells.items()):
        for slug in slugs:
            missing = total - counted[(prefecture_code, population_band, slug)]
            if missing > 0:
                yield Row(
                    "status",
                    missing,
                    prefecture_code=prefecture_code,
                    population_band=population_band,
                    business=slug,
                    status=NO_DATA,
                )

    for r in statuses.values(pref, band, "business__slug", "on_gov_cloud").annotate(n=Count("id")).order_by():
        yield Row(
            "gov_cloud",
            r["n"],
            prefecture_code=r[pref],
            population_band=r[band],
            business=r["business__slug"],
            status=_gov_cloud(r["on_gov_cloud"]),
        )

    reported = statuses.filter(source=Source.REPORTED)
    for r in reported.values(pref, band, "business__slug").annotate(n=Count("id")).order_by():
        yield Row("reported", r["n"], prefecture_code=r[pref], population_band=r[band], business=r["business__slug"])

    if rates_snapshot is not None:
        rates = PublishedRate.objects.filter(snapshot=rates_snapshot, municipality__kind=OrganizationKind.MUNICIPALITY)
        for r in rates.values(pref, band, "business__slug").annotate(n=Count("id"), total=Sum("rate")).order_by():
            yield Row(
                "published_rate",
                r["n"],
                value=r["total"],
                prefecture_code=r[pref],
                population_band=r[band],
                business=r["business__slug"] or "",
            )

    steps = StepProgress.objects.filter(municipality__kind=OrganizationKind.MUNICIPALITY)
    for r in steps.values(pref, band, "business__slug", "state").annotate(n=Count("id")).order_by():
        yield Row(
            "steps",
            r["n"],
            prefecture_code=r[pref],
            population_band=r[band],
            business=r["business__slug"],
            status=r["state"],
        )

    for r in (
        statuses.values(
            "municipality__slug",
            pref,
            band,
            "business__slug",
            "status",
            "planned_fiscal_year",
            "step_completion",
            "on_gov_cloud",
            "source",
        )
        .order_by("municipality__slug", "business__slug")
        .iterator(chunk_size=5000)
    ):
        yield Row(
            "municipality_status",
            1,
            value=r["step_completion"],
            organization_code=r["municipality__slug"],
            prefecture_code=r[pref],
            population_band=r[band],
            business=r["business__slug"],
            status=r["status"],
            year=r["planned_fiscal_year"],
            extra={"gov_cloud": _gov_cloud(r["on_gov_cloud"]), "source": r["source"]},
        )

    if designated_snapshot is not None:
        yield from _designated_rows(designated_snapshot)


def _designated_rows(snapshot: PublishedSnapshot) -> Iterator[Row]:
    designated = DesignatedSystem.objects.filter(snapshot=snapshot)
    pref, kind = "organization__prefecture_code", "organization__kind"
    for r in designated.values(pref, kind, "business__slug", "planned_fiscal_year").annotate(n=Count("id")).order_by():
        yield Row(
            "designated",
            r["n"],
            prefecture_code=r[pref],
            business=r["business__slug"] or COMMON_FUNCTIONS,
            status=r[kind],
            year=r["planned_fiscal_year"],
        )
    for r in designated.values(pref, kind).annotate(n=Count("organization", distinct=True)).order_by():
        yield Row("designated_organizations", r["n"], prefecture_code=r[pref], status=r[kind])
    rows = designated.values("organization__slug", "organization__name", pref, "business__slug", "planned_fiscal_year")
    for r in rows.order_by("organization__slug", "business__slug").iterator(chunk_size=5000):
        yield Row(
            "designated_detail",
            1,
            organization_code=r["organization__slug"],
            prefecture_code=r[pref],
            business=r["business__slug"] or COMMON_FUNCTIONS,
            year=r["planned_fiscal_year"],
            label=r["organization__name"],
        )
