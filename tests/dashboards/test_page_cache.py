"""A dashboard's charts are kept in the cache per build: read again without the aggregates, replaced by a new build."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import MigrationStatus
from catalog.models import MigrationStatusValue as S
from dashboards import services

DAY = dt.date(2026, 2, 1)


def _migrated(api: Any, business: str) -> int:
    series = api.get("/api/v1/dashboards/migration-progress/").json()["series"]
    return sum(r["municipalities"] for r in series if r["business"] == business and r["status"] == "migrated")


def _aggregate_reads(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboards/migration-progress/").status_code == 200
    return sum("dashboards_aggregaterow" in q["sql"] for q in queries.captured_queries)


def test_a_second_reading_comes_from_the_cache(progress_data: Any, client: Any) -> None:
    services.aggregates_build_all(period=DAY)
    first = _aggregate_reads(client)
    assert _aggregate_reads(client) < first


def test_a_new_build_of_the_same_day_replaces_the_cached_charts(progress_data: Any, api: Any, client: Any) -> None:
    services.aggregates_build_all(period=DAY)
    business = progress_data["businesses"][1]
    before = _migrated(api, business.slug)
    page_before = client.get("/dashboards/migration-progress/").content
    MigrationStatus.objects.filter(municipality=progress_data["obuse"], business=business).update(status=S.MIGRATED)
    assert _migrated(api, business.slug) == before  # the page shows the build, not the raw data
    services.aggregates_build_all(period=DAY)
    assert _migrated(api, business.slug) == before + 1
    assert client.get("/dashboards/migration-progress/").content != page_before


def test_the_cached_filters_keep_each_query_s_selection(progress_data: Any, client: Any) -> None:
    services.aggregates_build_all(period=DAY)
    for number in ["20", "31", "20"]:
        page = client.get("/dashboards/migration-progress/", {"prefecture": number}).content.decode()
        assert f'<option value="{number}" selected>' in page
