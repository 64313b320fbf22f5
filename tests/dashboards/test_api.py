"""`/api/v1/dashboards/{name}/` as API.md gives it, and the Celery task and command running the same build."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dashboards import services, tasks
from dashboards.models import AggregateRow, Build, BuildStatus
from dashboards.selectors import current_build
from portal.models import Organization

DAY = dt.date(2026, 2, 1)
API = "/api/v1/dashboards/"


@pytest.fixture
def built(progress_data: Any) -> Any:
    services.aggregates_build_all(period=DAY)
    return progress_data


def test_migration_progress_series_covers_every_selected_municipality(built: Any, api: Any) -> None:
    response = api.get(API + "migration-progress/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"as_of", "data_as_of", "source", "series"}
    assert body["data_as_of"] == "2026-01"
    assert body["source"] == "総務省「標準化の進捗状況」令和8年1月"
    assert set(body["series"][0]) == {"business", "status", "municipalities"}
    build = current_build("migration_progress")
    assert build is not None and body["as_of"].startswith(build.finished_at.astimezone(dt.UTC).strftime("%Y-%m-%d"))
    totals: dict[str, int] = {}
    for row in body["series"]:
        totals[row["business"]] = totals.get(row["business"], 0) + row["municipalities"]
    assert totals == dict.fromkeys(
        [b.slug for b in built["businesses"]], Organization.objects.filter(kind="municipality").count()
    )


def test_population_band_and_business_filters(built: Any, api: Any) -> None:
    band = Organization.objects.get(slug="205419").population_band
    body = api.get(API + "migration-progress/", {"population_band": band, "business": "child_allowance"}).json()
    assert {r["business"] for r in body["series"]} == {"child_allowance"}
    assert (
        sum(r["municipalities"] for r in body["series"])
        == Organization.objects.filter(kind="municipality", population_band=band).count()
    )


def test_a_named_chart_and_its_own_source(built: Any, api: Any) -> None:
    body = api.get(API + "migration-progress/", {"chart": "designated"}).json()
    assert body["data_as_of"] == "2025-12"
    assert sum(r["systems"] for r in body["series"]) == 4
    assert {"business": "common_functions", "planned_fiscal_year": None, "systems": 1} in body["series"]


def test_bad_filters_are_400_with_field_errors_in_japanese_or_english(built: Any, api: Any) -> None:
    response = api.get(API + "migration-progress/", {"prefecture": "99"})
    assert response.status_code == 400
    assert "prefecture" in response.json()["errors"]
    response = api.get(API + "migration-progress/", {"chart": "nope"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]["chart"][0]
    response = api.get(API + "migration-progress/", {"municipality": "205418"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "municipality" in response.json()["errors"]


def test_unknown_dashboard_is_404(api: Any, db: Any) -> None:
    assert api.get(API + "subsidy-budget-nope/").status_code == 404


def test_other_dashboards_answer_with_their_main_chart(built: Any, api: Any) -> None:
    adoption = api.get(API + "catalog-adoption/").json()
    assert [r["pattern"] for r in adoption["series"]] == ["A", "B", "standardized", "individual"]
    assert adoption["data_as_of"] is None
    kpi = api.get(API + "kpi/").json()
    assert kpi["series"] == []


def test_the_celery_task_runs_the_same_build_and_is_safe_to_run_twice(built: Any) -> None:
    first = tasks.build_aggregates.delay("2026-02-01", "migration_progress").get()
    rows = list(AggregateRow.objects.filter(period=DAY).order_by("series", "key").values_list("key", "count"))
    second = tasks.build_aggregates.delay("2026-02-01", "migration_progress").get()
    assert first == second == [{"metric": "migration_progress", "period": "2026-02-01", "rows": first[0]["rows"]}]
    assert list(AggregateRow.objects.filter(period=DAY).order_by("series", "key").values_list("key", "count")) == rows


def test_the_nightly_schedule_is_two_in_the_morning_tokyo_time() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-build-aggregates"]
    assert entry["task"] == "dashboards.tasks.build_aggregates"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"


def test_the_command_builds_with_a_progress_bar(built: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("build_aggregates", "--date", "R8.2.2", "--metric", "migration_progress", stdout=out, stderr=err)
    build = Build.objects.get(period=dt.date(2026, 2, 2))
    assert build.status == BuildStatus.DONE
    assert f"{build.rows_written:,} 行" in out.getvalue()
    assert "migration_progress" in err.getvalue()  # tqdm's bar
    with pytest.raises(CommandError, match="未登録の指標"):
        call_command("build_aggregates", "--metric", "money", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="日付を読み取れません"):
        call_command("build_aggregates", "--date", "2026-13-40", stdout=out, stderr=err)
