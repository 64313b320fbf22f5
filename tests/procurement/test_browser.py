"""The procurement pages in a real browser: axe-core finds nothing serious, the live share preview works.

Uses the project's browser harness (the `page` fixture and tests/browser/harness.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import harness

pytestmark = pytest.mark.browser


def _login(page: Any, username: str) -> None:
    harness.login(page, username)


@pytest.mark.django_db(transaction=True)
def test_procurement_pages_pass_axe_and_the_live_preview_adds_up(page: Any) -> None:
    from procurement import demo

    demo.seed(scale="demo")
    from procurement.models import JointProcurement

    case = JointProcurement.objects.get(lead_prefecture__code="200000", status="recruiting")
    for path in ("/procurement/", "/procurement/dashboard/", f"/procurement/{case.pk}/"):
        page.goto(page.base_url + path)
        assert harness.axe_violations(page) == [], path

    _login(page, "nagano-pref-staff")
    page.goto(page.base_url + "/procurement/new/")
    assert harness.axe_violations(page) == [], "/procurement/new/"
    page.get_by_label("予定価格（見込額）").fill("1000001")
    page.get_by_label("均等割（％）").fill("30")
    page.get_by_label("人口割（％）").fill("70")
    page.get_by_label("市区町村名で絞り込む").fill("小布施")
    page.get_by_label("小布施町").check()
    page.get_by_label("市区町村名で絞り込む").fill("佐久")
    page.get_by_label("佐久市").check()
    preview = page.locator("#share-preview")
    preview.get_by_text("1,000,001円").wait_for()
    assert preview.locator("tbody tr").count() == 2
    assert page.get_by_label("軽井沢町").is_hidden()  # filtered out by the search


@pytest.mark.django_db(transaction=True)
def test_municipality_answers_with_one_click(page: Any) -> None:
    from procurement import demo

    demo.seed(scale="demo")
    _login(page, "obuse-staff")
    page.goto(page.base_url + "/procurement/")
    card = page.locator("li.card", has_text="長野県市町村 電子申請システム共同調達")
    card.get_by_label("コメント（任意）").fill("議会の承認後に正式参加します")
    card.get_by_role("button", name="参加する").click()
    page.wait_for_load_state()
    assert page.get_by_text("と回答しました").is_visible()
    assert harness.axe_violations(page) == []
