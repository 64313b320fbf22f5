"""The dashboard pages: drill-down, filters, as-of labels, CSV twins, maps, and reading aggregates only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboards import services
from dashboards.kpis import load_publication_survey

DAY = dt.date(2026, 2, 1)
URL = "/dashboards/migration-progress/"


@pytest.fixture
def built(progress_data: Any) -> dict[str, Any]:
    load_publication_survey()
    services.aggregates_build_all(period=DAY)
    return progress_data


def figure(html: str, chart_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="figure-{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no figure data for {chart_id}"
    return json.loads(match.group(1))


def read_csv(response: Any) -> list[dict[str, str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_public_visitor_sees_the_public_dashboards(built: Any) -> None:
    response = Client().get("/dashboards/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("migration-progress", "catalog-adoption", "joint-procurement", "kpi"):
        assert f'href="/dashboards/{name}/"' in html
        assert Client().get(f"/dashboards/{name}/").status_code == 200
    assert "集計日時" in html


def test_build_time_is_written_as_each_language_writes_dates(built: Any) -> None:
    japanese = Client().get(URL).content.decode()
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = english_client.get(URL).content.decode()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", japanese)
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", english)
    assert re.search(r"[A-Z][a-z]+\.? \d{1,2}, \d{4}", english)


def test_progress_page_says_as_of_and_the_published_month(built: Any) -> None:
    html = Client().get(URL).content.decode()
    assert "集計日時" in html
    assert "公表データ：令和8年1月時点（出典：総務省「標準化の進捗状況」令和8年1月）" in html
    assert "公表データ：令和7年12月時点（出典：デジタル庁「特定移行支援システムの該当見込み一覧」）" in html
    assert "作業量（工数）ではありません" in html
    assert "現在の値のうち 1 件は、公表月より新しい団体からの報告" in html
    assert "国土数値情報（行政区域データ）を加工して作成" in html


def test_drill_down_from_the_nation_to_a_prefecture_to_a_town(built: Any) -> None:
    client = Client()
    national = client.get(URL).content.decode()
    assert 'href="?prefecture=20"' in national  # table row and tile link to 長野県
    prefecture = client.get(URL + "?prefecture=20").content.decode()
    assert "長野県" in prefecture
    assert 'href="?prefecture=20&amp;municipality=205419"' in prefecture
    town = client.get(URL + "?prefecture=20&municipality=205419")
    assert town.status_code == 200
    html = town.content.decode()
    assert "小布施町" in html and 'aria-current="page">小布施町' in html
    rows = read_csv(client.get("/dashboards/migration-progress.csv?municipality=205419&chart=municipality"))
    assert [(r["業務コード"], r["進捗"], r["移行予定年度"], r["ガバメントクラウド"], r["出典"]) for r in rows] == [
        ("child_allowance", "移行完了", "", "利用", "公表値"),
        ("child_childcare_support", "移行中", "", "不明", "団体の報告"),
        ("resident_registry", "特定移行支援システム", "令和9年度", "不明", "公表値"),
    ]


STATUS_LABELS = {
    "migrated": "移行完了",
    "migrating": "移行中",
    "not_started": "未着手",
    "preparing": "準備中",
    "designated_hard": "特定移行支援システム",
    "no_data": "データなし",
}


@pytest.mark.parametrize(
    "query", ["", "?prefecture=20", "?population_band=5k-10k", "?business=child_allowance", "?municipality=313289"]
)
def test_the_csv_has_exactly_the_numbers_of_the_chart(built: Any, query: str) -> None:
    client = Client()
    fig = figure(client.get(URL + query).content.decode(), "status")
    from_chart = {
        (trace["name"], business): value
        for trace in fig["data"]
        for business, value in zip(trace["y"], trace["x"], strict=True)
    }
    sep = "&" if query else "?"
    rows = read_csv(client.get(f"/dashboards/migration-progress.csv{query}{sep}chart=status"))
    names = {b.slug: b.name for b in built["businesses"]}
    from_csv = {(STATUS_LABELS[r["進捗"]], names[r["業務"]]): int(r["団体数"]) for r in rows}
    assert from_csv == from_chart
    assert sum(from_csv.values()) > 0


def test_filters_select_the_municipalities_counted(built: Any, api: Any) -> None:
    nagano = api.get("/api/v1/dashboards/migration-progress/?prefecture=20").json()["series"]
    tottori = api.get("/api/v1/dashboards/migration-progress/?prefecture=310000").json()["series"]
    from portal.models import Organization

    def per_business(series: list[dict[str, Any]]) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in series:
            totals[row["business"]] = totals.get(row["business"], 0) + row["municipalities"]
        return totals

    assert set(per_business(nagano).values()) == {
        Organization.objects.filter(kind="municipality", prefecture_code="20").count()
    }
    assert set(per_business(tottori).values()) == {
        Organization.objects.filter(kind="municipality", prefecture_code="31").count()
    }
    migrated = {(r["business"], r["status"]): r["municipalities"] for r in nagano}
    assert migrated[("child_allowance", "migrated")] == 2  # 小布施町 and 佐久市
    assert migrated[("resident_registry", "designated_hard")] == 1


def test_a_bad_filter_is_explained_and_changes_nothing(built: Any) -> None:
    response = Client().get(URL + "?prefecture=99&municipality=123456")
    assert response.status_code == 400
    html = response.content.decode()
    assert "入力内容を確認してください" in html
    assert "団体コードは6桁" in html


def test_maps_show_a_choropleth_a_tile_grid_and_a_table(built: Any) -> None:
    html = Client().get(URL).content.decode()
    fig = figure(html, "prefectures")
    trace = fig["data"][0]
    assert trace["type"] == "choropleth"
    assert trace["geojson"] == "/static/dashboards/geo/japan_prefectures.geojson"
    assert len(trace["locations"]) == 47  # every prefecture has municipalities, counted even without data
    shares = dict(zip(trace["locations"], trace["z"], strict=True))
    # 長野県: 小布施町 and 佐久市 migrated 児童手当 — 2 of 77 municipalities × 3 businesses.
    assert shares["20"] == pytest.approx(round(2 * 100 / (3 * 77), 1))
    assert html.count('<g transform="translate(') >= 2 * 47  # two maps, 47 equal squares each
    assert "<title>長野：" in html
    assert Client().get("/static/dashboards/geo/japan_prefectures.geojson").status_code == 200
    assert Client().get("/static/dashboards/vendor/plotly.min.js").status_code == 200


@pytest.mark.parametrize(
    "query", ["", "?prefecture=20", "?prefecture=20&municipality=205419", "?business=child_allowance"]
)
def test_pages_read_only_aggregates_with_a_constant_number_of_queries(built: Any, query: str) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL + query).status_code == 200
    # More raw data must not mean more queries.
    from catalog.models import MigrationStatus
    from catalog.models import MigrationStatusValue as S
    from portal.models import Organization

    businesses = built["businesses"]
    for municipality in Organization.objects.filter(kind="municipality", prefecture_code="20").exclude(
        slug__in=["205419", "202177"]
    )[:30]:
        for business in businesses:
            MigrationStatus.objects.create(municipality=municipality, business=business, status=S.MIGRATING)
    services.aggregates_build_all(period=DAY)
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL + query).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    for q in large.captured_queries:
        sql = q["sql"].lower()
        assert "catalog_" not in sql, sql


def test_kpi_page_shows_the_2022_survey_against_targets(built: Any) -> None:
    html = Client().get("/dashboards/kpi/").content.decode()
    assert "終了した全事業の実施状況を公表した団体の割合" in html
    assert "本ポータルの仮置きの目標" in html
    rows = read_csv(Client().get("/dashboards/kpi.csv?chart=kpis"))
    assert {r["コード"]: (r["最新値"], r["目標値"], r["目標までの差"]) for r in rows} == {
        "publication-status-all": ("20", "100", "80"),
        "publication-status-any": ("53", "100", "47"),
        "publication-effects-all": ("32", "100", "68"),
        "publication-effects-any": ("39", "100", "61"),
    }


def test_a_csv_with_a_bad_filter_is_400_with_the_reason(built: Any) -> None:
    response = Client().get("/dashboards/migration-progress.csv?population_band=huge&chart=status")
    assert response.status_code == 400
    assert "人口規模" in response.content.decode()
    assert Client().get("/dashboards/migration-progress.csv?chart=nope").status_code == 404


def test_csv_text_cells_cannot_run_as_formulas() -> None:
    from dashboards.exports import chart_csv, neutralize
    from dashboards.selectors.base import Chart, Column, Table

    assert [neutralize(v) for v in ("=1+1", "+81", "-3", "@A1", "\tx", "町", -3)] == [
        "'=1+1",
        "'+81",
        "'-3",
        "'@A1",
        "'\tx",
        "町",
        -3,
    ]
    chart = Chart(
        "c",
        "t",
        [Column("name", "名称"), Column("n", "件数", numeric=True)],
        [{"name": "=HYPERLINK()", "n": 2}],
        Table("t", [], []),
    )
    assert chart_csv(chart).decode("utf-8") == "\ufeff名称,件数\r\n'=HYPERLINK(),2\r\n"


def test_the_page_and_its_errors_in_english(built: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(URL + "?municipality=205418").content.decode()
    assert "Standardization progress" in html and "Built at" in html
    assert "Enter the 6-digit code (with its check digit)." in html
    assert "It counts steps, not effort." in html


def test_the_csv_names_the_codes_for_spreadsheet_readers(built: Any) -> None:
    rows = read_csv(Client().get("/dashboards/migration-progress.csv?prefecture=20&chart=status"))
    assert rows[0]["業務"] == "child_allowance" and rows[0]["業務（名称）"] == "児童手当"
    assert {r["進捗（名称）"] for r in rows} >= {"移行完了", "特定移行支援システム"}
    designated = read_csv(Client().get("/dashboards/migration-progress.csv?prefecture=20&chart=designated"))
    assert {(r["業務（名称）"], r["移行予定年度（名称）"], r["システム数"]) for r in designated} == {
        ("子ども・子育て支援", "未定", "1"),
        ("住民基本台帳", "令和9年度", "1"),
        ("共通機能", "未定", "1"),
    }


def test_before_the_first_build_the_pages_say_so(db: Any, api: Any) -> None:
    html = Client().get(URL).content.decode()
    assert "まだ集計されていません。次の夜間集計の後に表示されます。" in html
    assert api.get("/api/v1/dashboards/migration-progress/").json() == {
        "as_of": None,
        "data_as_of": None,
        "source": "",
        "series": [],
    }


def test_the_national_page_needs_few_queries(built: Any, django_assert_max_num_queries: Any) -> None:
    client = Client()
    with django_assert_max_num_queries(12):
        client.get(URL)
    with django_assert_max_num_queries(7):
        client.get(URL + "?prefecture=20&municipality=205419")
