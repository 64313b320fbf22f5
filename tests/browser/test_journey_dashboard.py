"""Journey 4: a national official opens the standardization progress dashboard on the published figures, drills
down to a prefecture and a town, and downloads a chart's numbers as CSV. axe-core checks every page, in Japanese
and English, and every chart has its table."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from .harness import axe_in_japanese_and_english, login, screenshot

pytestmark = pytest.mark.browser

FIGURES = "[data-figure] .main-svg"


def _clean(page: Any, ready: str = FIGURES) -> None:
    assert axe_in_japanese_and_english(page, ready=ready) == {"ja": [], "en": []}, page.url


def _every_chart_has_its_table(page: Any) -> None:
    sections = page.locator("section.dashboard-chart")
    assert sections.count() > 0
    for section in sections.all():
        title = section.get_by_role("heading", level=2).inner_text()
        table = section.get_by_role("table")
        assert table.count() == 1, title
        assert table.locator("caption").inner_text(), title
        assert table.locator("tbody tr").count() > 0, title
        figure = section.locator("[data-figure]")
        if figure.count():
            assert figure.get_attribute("role") == "img"
            assert figure.get_attribute("aria-label") == f"{title}（数値は表をご覧ください）"


def _table(section: Any) -> list[list[str]]:
    table = section.get_by_role("table")
    head = [cell.inner_text() for cell in table.locator("thead th").all()]
    body = [[cell.inner_text() for cell in row.locator("th, td").all()] for row in table.locator("tbody tr").all()]
    return [head, *body]


@pytest.mark.django_db(transaction=True)
def test_an_official_drills_down_to_a_town_and_downloads_a_charts_numbers(page: Any) -> None:
    from catalog.published import load_published_figures
    from dashboards.services import aggregates_build_all

    load_published_figures()
    aggregates_build_all(names=["migration_progress"])

    login(page, "soumu-official")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="ダッシュボード").click()
    page.wait_for_load_state()
    _clean(page, ready="")
    page.get_by_role("link", name="標準化の進捗").click()
    page.wait_for_selector(FIGURES)
    _every_chart_has_its_table(page)
    _clean(page)

    page.get_by_role("link", name="長野県").first.click()
    page.wait_for_selector(FIGURES)
    assert page.get_by_role("heading", level=1).inner_text() == "標準化の進捗（長野県）"
    _every_chart_has_its_table(page)
    _clean(page)

    page.get_by_role("link", name="小布施町").click()
    page.wait_for_selector(FIGURES)
    assert page.get_by_role("heading", level=1).inner_text() == "標準化の進捗（小布施町）"
    _every_chart_has_its_table(page)
    _clean(page)
    screenshot(page, "journey-4-dashboard")

    # The chart of the town's businesses, downloaded: the CSV holds the numbers of the table shown (and the codes).
    section = page.locator("section.dashboard-chart", has=page.get_by_role("heading", name="業務ごとの状況"))
    title = section.get_by_role("heading", level=2).inner_text()
    with page.expect_download() as download:
        section.get_by_role("link", name=f"「{title}」の数値をCSVでダウンロード").click()
    assert download.value.suggested_filename.startswith("migration-progress-")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    shown_header, *shown_rows = _table(section)
    assert set(shown_header) <= set(header)
    columns = [header.index(label) for label in shown_header]
    assert [[row[i] for i in columns] for row in rows] == shown_rows
    assert len(shown_rows) == 20  # the 20 standardized businesses
