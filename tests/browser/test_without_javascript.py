"""Reading works with JavaScript turned off (a locked-down PC): lists, details and the dashboards' tables.
JavaScript improves the pages (charts, live previews) and never gates what they say."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from .harness import login

pytestmark = pytest.mark.browser


@pytest.fixture
def reader(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _open(page: Any, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state()


def _heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def _table(page: Any, caption: str) -> Any:
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    assert table.is_visible(), caption
    assert table.locator("tbody tr").count() > 0, caption
    return table


@pytest.mark.django_db(transaction=True)
def test_lists_details_and_dashboard_tables_read_without_javascript(reader: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    page = reader

    # The catalog: search (a plain form), then a system and its offerings.
    page.goto(page.base_url + "/catalog/")
    page.get_by_label("キーワード（名称・よみがな）").fill("ﾏﾄﾞｸﾞﾁ")
    page.get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    _open(page, "窓口DX SaaS")
    assert _heading(page) == "窓口DX SaaS"
    assert _table(page, "提供サービスの一覧").locator("tbody tr").count() >= 2
    _table(page, "都道府県別の利用団体数")

    # The organizations, searched by their reading.
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="団体一覧").click()
    page.get_by_label("団体名・よみがな").fill("ｵﾌﾞｾ")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_load_state()
    _open(page, "長野県 小布施町")
    assert "小布施町" in _heading(page)

    # A claim, read by the town that filed it: its lines and its history.
    login(page, "obuse-staff")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="補助金申請").click()
    page.wait_for_load_state()
    _open(page, "基幹業務システム標準化移行（住民記録・税）")
    assert _heading(page) == "基幹業務システム標準化移行（住民記録・税）"
    assert page.get_by_role("table", name="経費の明細").locator("tbody tr").count() >= 5
    assert page.get_by_role("heading", name="経過").is_visible()
    assert page.locator(".timeline li, ol li", has_text="支払").first.is_visible()

    # A joint procurement the town is invited to: the facts, the participants and its estimated share.
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="共同調達").click()
    page.wait_for_load_state()
    _open(page, "長野県市町村 電子申請システム共同調達")
    assert _heading(page) == "長野県市町村 電子申請システム共同調達"
    assert "あなたの団体の負担額は" in page.get_by_role("region", name="参加意向の回答").inner_text()
    _table(page, "参加団体")

    # The dashboards: every chart's table is there; the figures, which need a script, take no room.
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="ダッシュボード").click()
    page.wait_for_load_state()
    for title in ("標準化の進捗", "共通化パターン別の利用状況", "共同調達の推移", "KPI（EBPM）", "補助金の予算と執行"):
        page.goto(page.base_url + "/dashboards/")
        _open(page, title)
        _every_chart_reads_as_a_table(page)
    page.goto(page.base_url + "/dashboards/")
    _open(page, "標準化の進捗")
    page.locator("section.dashboard-chart table").get_by_role("link", name="長野県", exact=True).first.click()
    page.wait_for_load_state()
    assert _heading(page) == "標準化の進捗（長野県）"
    _every_chart_reads_as_a_table(page)
    _open(page, "小布施町")
    assert _heading(page) == "標準化の進捗（小布施町）"
    _every_chart_reads_as_a_table(page)


def _every_chart_reads_as_a_table(page: Any) -> None:
    sections = page.locator("section.dashboard-chart")
    assert sections.count() > 0, page.url
    for section in sections.all():
        title = section.get_by_role("heading", level=2).inner_text()
        assert section.get_by_role("table").is_visible(), title
        assert section.get_by_role("table").locator("tbody tr").count() > 0, title
        for figure in section.locator("[data-figure]").all():
            assert figure.is_hidden(), title
        assert section.get_by_role("link", name="CSVでダウンロード").is_visible(), title
