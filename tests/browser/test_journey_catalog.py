"""Journey 1 in a real browser: a town's IT officer finds 窓口DX SaaS by typing ﾏﾄﾞｸﾞﾁ, filters to pattern B,
compares two offerings and sees which towns of her size use it. axe finds nothing serious, in Japanese and English."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.business_areas import load_business_areas
from portal.models import Organization, OrganizationKind
from tests.catalog.factories import adopt, make_offering, make_system, municipalities

from .harness import axe_violations, login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def madoguchi() -> dict[str, Any]:
    """窓口DX SaaS with two offerings, used by three towns of 小布施町's band in 長野県; a pattern-A system beside it
    whose reading also contains マドグチ (so the pattern filter has something to remove)."""
    load_business_areas()
    system = make_system(
        name="窓口DX SaaS",
        kana="マドグチディーエックスサース",
        pattern="B",
        areas=("counter",),
        slug="madoguchi-dx-saas",
        gov_cloud="yes",
        spec_name="窓口DXSaaS 標準仕様",
        spec_version="1.0",
    )
    cloud = make_offering(
        system,
        vendor=Organization.objects.create(
            slug="demo-madoguchi", kind=OrganizationKind.VENDOR, name="デモ窓口ソリューションズ株式会社"
        ),
        spec_version="1.0",
        slug="demo-madoguchi-cloud",
        product_name="デモ窓口クラウド",
        price_model="人口規模別の月額",
        price_min=1_200_000,
        price_max=4_800_000,
        gov_cloud_hosted=True,
    )
    make_offering(
        system,
        slug="demo-kakanai-madoguchi",
        product_name="書かない窓口デモ",
        spec_version="1.0",
        price_model="年額固定",
        price_min=800_000,
        price_max=2_400_000,
        gov_cloud_hosted=True,
    )
    make_system(name="窓口予約サービス（国）", kana="マドグチヨヤクサービス", pattern="A", slug="madoguchi-yoyaku")
    towns = [t for t in municipalities(prefecture_code="20", band="10k-30k", limit=4) if t.code != "205419"][:3]
    for town in towns:
        adopt(town, system, offering=cloud)
    adopt("205419", system, status="considering")  # her own town is still choosing: private to it
    return {"system": system, "towns": towns}


@pytest.mark.django_db(transaction=True)
def test_officer_finds_filters_compares_and_sees_towns_of_her_size(page: Any, madoguchi: dict[str, Any]) -> None:
    visited: list[str] = []

    def check_page() -> None:
        visited.append(page.url)
        assert axe_violations(page) == [], page.url

    login(page, "obuse-staff")
    page.get_by_role("navigation", name="グローバルナビゲーション").get_by_role("link", name="システムカタログ").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "システムカタログ"
    check_page()

    # She types the reading in half-width kana, as her PC's IME left it.
    search = page.get_by_role("search", name="システムの検索")
    search.get_by_label("キーワード（名称・よみがな）").fill("ﾏﾄﾞｸﾞﾁ")
    search.get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    results = page.get_by_role("table", name="検索結果のシステム一覧")
    assert page.get_by_role("status").filter(has_text="件のシステム").inner_text() == "2件のシステム"
    assert results.get_by_role("link", name="窓口DX SaaS").is_visible()
    assert results.get_by_role("link", name="窓口予約サービス（国）").is_visible()
    check_page()

    search.get_by_role("group", name="共通化パターン").get_by_label("パターンB").check()
    search.get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    assert "pattern=B" in page.url and "q=" in page.url
    assert page.get_by_role("status").filter(has_text="件のシステム").inner_text() == "1件のシステム"
    assert results.get_by_role("link", name="窓口予約サービス（国）").count() == 0
    check_page()

    results.get_by_role("link", name="窓口DX SaaS").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "窓口DX SaaS"
    check_page()

    offerings = page.get_by_role("table", name="提供サービスの一覧")
    offerings.get_by_role("checkbox", name="デモ窓口クラウドを比較に加える").check()
    offerings.get_by_role("checkbox", name="書かない窓口デモを比較に加える").check()
    page.get_by_role("button", name="選んだ提供サービスを比較").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "並べて比較"
    compare = page.get_by_role("table", name="提供サービスの比較")
    assert compare.get_by_role("columnheader").all_inner_texts() == ["デモ窓口クラウド", "書かない窓口デモ"]
    price_row = compare.get_by_role("row").filter(has=page.get_by_role("rowheader", name="参考価格（年額）"))
    assert "1,200,000円" in price_row.inner_text() and "800,000円" in price_row.inner_text()
    assert "人口規模別の月額" in compare.inner_text() and "年額固定" in compare.inner_text()
    check_page()
    screenshot(page, "journey-1-catalog")

    # Back on the system's page: which towns of her size use it (her own town's "considering" stays private).
    compare.get_by_role("link", name="窓口DX SaaS").first.click()
    page.wait_for_load_state()
    same_size = page.get_by_role("region", name="人口規模が同じ団体（1万〜3万人）の利用")
    assert "3団体が利用しています。" in same_size.inner_text()
    for town in madoguchi["towns"]:
        assert same_size.get_by_role("link", name=f"長野県{town.name}").is_visible()
    assert "小布施町" not in same_size.inner_text()
    check_page()

    # The same pages in English: the language is declared and axe is still clean.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    for url in dict.fromkeys(visited):
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "en"
        assert axe_violations(page) == [], f"en {url}"
    page.goto(f"{page.base_url}/catalog/systems/madoguchi-dx-saas/")
    assert page.get_by_role("region", name="Users in your population band (10,000–30,000)").is_visible()
