"""The catalog pages as a newcomer uses them: search, facets, sort, pages, compare, "who uses it", and the forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from catalog.models import Adoption, MigrationStatus, OfferingStatus, StepProgress
from portal.audit import audit_history
from portal.models import Organization

from .factories import adopt, make_offering, make_system, municipalities

pytestmark = pytest.mark.django_db


@pytest.fixture
def madoguchi() -> Any:
    system = make_system(
        name="窓口DX SaaS",
        kana="マドグチディーエックスサース",
        pattern="B",
        areas=("counter",),
        slug="madoguchi-dx-saas",
        gov_cloud="yes",
        spec_name="窓口DXSaaS 標準仕様",
    )
    make_offering(system, slug="offer-a", product_name="デモ窓口クラウド", price_min=1_200_000, price_max=4_800_000)
    make_offering(system, slug="offer-b", product_name="書かない窓口デモ", price_min=800_000, price_max=2_400_000)
    make_system(name="ワクチン接種記録システム", kana="ワクチンセッシュキロクシステム", pattern="A", slug="vrs")
    make_system(name="図書館システム", kana="トショカンシステム", pattern="B", areas=("library",), slug="library")
    return system


def test_newcomer_finds_madoguchi_by_halfwidth_kana_filters_compares_and_sees_her_band(
    client_as: Any, madoguchi: Any
) -> None:
    """The issue's "done when", in the browser."""
    same_band = municipalities(prefecture_code="20", band="10k-30k", limit=4)
    for org in same_band:
        if org.code != "205419":
            adopt(org, madoguchi)
    client = client_as("obuse-staff")
    page = client.get("/catalog/", {"q": "ﾏﾄﾞｸﾞﾁ"}).content.decode()
    assert "窓口DX SaaS" in page and "図書館システム" not in page
    page = client.get("/catalog/", {"q": "ﾏﾄﾞｸﾞﾁ", "pattern": "B"}).content.decode()
    assert 'href="/catalog/systems/madoguchi-dx-saas/"' in page
    compare = client.get("/catalog/compare/", {"offerings": "offer-a,offer-b"}).content.decode()
    assert "デモ窓口クラウド" in compare and "書かない窓口デモ" in compare
    assert "1,200,000円" in compare and "800,000円" in compare
    detail = client.get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    assert "人口規模が同じ団体（1万〜3万人）の利用" in detail
    for org in same_band:
        if org.code != "205419":
            assert org.name in detail


@pytest.mark.parametrize("q", ["まどぐち", "マドグチ", "ﾏﾄﾞｸﾞﾁ", "ＭＡＤＯＧＵＣＨＩ", "madoguchi"])
def test_search_folding_in_the_page(client: Client, madoguchi: Any, q: str) -> None:
    page = client.get("/catalog/", {"q": q}).content.decode()
    assert "窓口DX SaaS" in page
    assert re.search(r"1件のシステム", page)


def test_facets_show_counts_and_keep_other_filters(client: Client, madoguchi: Any) -> None:
    page = client.get("/catalog/", {"pattern": "B"}).content.decode()
    # Pattern facet counts ignore the pattern filter itself: A 1, B 2.
    assert re.search(r'for="pattern_A">パターンA<span class="facet-count">（1）', page)
    assert re.search(r'for="pattern_B">パターンB<span class="facet-count">（2）', page)
    # Other facets count within pattern B.
    assert re.search(r'for="business_area_counter">窓口<span class="facet-count">（1）', page)
    assert re.search(r'for="spec_compliant">標準仕様あり<span class="facet-count">（1）', page)
    assert re.search(r'for="price_1m-5m">100万〜500万円<span class="facet-count">（1）', page)
    assert "2件のシステム" in page
    page = client.get("/catalog/", {"pattern": "B", "price": "ge20m"}).content.decode()
    assert "0件のシステム" in page


def test_sort_and_pagination_are_in_the_url(client: Client, madoguchi: Any) -> None:
    for index in range(25):
        make_system(name=f"アイテム{index:02d}", kana=f"ア{index:02d}", pattern="individual")
    adopt("205419", madoguchi)
    page = client.get("/catalog/", {"sort": "-adoption"}).content.decode()
    assert page.index("窓口DX SaaS") < page.index("アイテム00")
    page = client.get("/catalog/", {"sort": "name", "pattern": "individual"}).content.decode()
    assert "25件のシステム" in page and "アイテム00" in page and "アイテム20" not in page
    assert "pattern=individual" in page and "page=2" in page
    page2 = client.get("/catalog/", {"sort": "name", "pattern": "individual", "page": 2}).content.decode()
    assert "アイテム20" in page2 and "アイテム00" not in page2


def test_patterns_page_is_a_table_linking_to_each_pattern(client: Client) -> None:
    page = client.get("/catalog/patterns/").content.decode()
    assert "<caption>" in page and 'scope="row"' in page
    for code in ["A", "B", "standardized", "individual"]:
        assert f'href="/catalog/?pattern={code}"' in page
    assert "VRS（ワクチン接種記録システム）" in page and "窓口DX SaaS" in page


def test_compare_limits(client: Client, madoguchi: Any) -> None:
    slugs = [make_system().slug for _ in range(5)]
    page = client.get("/catalog/compare/", {"systems": ",".join(slugs)}).content.decode()
    assert "比較できるのは4件までです" in page
    assert page.count('<th scope="col"><a href="/catalog/systems/') == 4
    response = client.get("/catalog/compare/", {"pick": ["vrs", "library"]})
    assert response.status_code == 302 and response["Location"] == "/catalog/compare/?systems=vrs%2Clibrary"
    page = client.get(response["Location"]).content.decode()
    assert "ワクチン接種記録システム" in page and "図書館システム" in page


def test_system_page_counts_in_use_only_and_hides_private_adoptions(
    client: Client, client_as: Any, madoguchi: Any
) -> None:
    adopt("205419", madoguchi, status="considering")
    adopt("202177", madoguchi, status="in_use")
    public = client.get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    assert "佐久市" in public and "小布施町" not in public
    assert "人口規模が同じ団体" not in public  # anonymous: no band of her own
    assert "小布施町" not in client_as("saku-staff").get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    assert (
        "小布施町（検討中" in client_as("nagano-pref-staff").get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    )


def test_unpublished_offering_hidden_from_the_public_page(client: Client, client_as: Any, madoguchi: Any) -> None:
    make_offering(madoguchi, status=OfferingStatus.PROPOSED, product_name="審査待ちの製品")
    assert "審査待ちの製品" not in client.get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    assert "審査待ちの製品" in client_as("vendor-demo").get("/catalog/systems/madoguchi-dx-saas/").content.decode()
    queue = client_as("soumu-official").get("/catalog/offerings/").content.decode()
    assert "審査待ちの製品" in queue
    assert client_as("obuse-staff").get("/catalog/offerings/").status_code == 404


def _grow(n: int, orgs: list[Organization]) -> None:
    for _ in range(n):
        system = make_system(areas=("counter",))
        make_offering(system, price_min=100_000, price_max=200_000)
        for org in orgs:
            adopt(org, system)


def test_list_page_query_count_is_constant(client_as: Any, django_assert_max_num_queries: Any, madoguchi: Any) -> None:
    client = client_as("obuse-staff")
    orgs = municipalities(prefecture_code="20", limit=6)
    _grow(3, orgs)
    with django_assert_max_num_queries(40) as small:
        client.get("/catalog/", {"sort": "-adoption"})
    _grow(9, orgs)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "15件のシステム" in client.get("/catalog/", {"sort": "-adoption"}).content.decode()


def test_system_page_query_count_is_constant(
    client_as: Any, django_assert_max_num_queries: Any, madoguchi: Any
) -> None:
    client = client_as("obuse-staff")
    band = municipalities(band="10k-30k", limit=60)

    def grow(start: int, end: int) -> None:
        for org in band[start:end]:
            adopt(org, madoguchi, offering=madoguchi.offerings.first())
        make_offering(madoguchi)

    grow(0, 10)
    with django_assert_max_num_queries(40) as small:
        client.get("/catalog/systems/madoguchi-dx-saas/")
    grow(10, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/catalog/systems/madoguchi-dx-saas/")


# Migration status form ---------------------------------------------------------------------------


def _form_data(code: str, **changes: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for row in MigrationStatus.objects.filter(municipality__code=code).select_related("business"):
        prefix = row.business.slug
        values = {
            "status": row.status,
            "planned_fiscal_year": row.planned_fiscal_year or "",
            "vendor_name": row.vendor_name,
            "on_gov_cloud": "",
            "version": row.version,
        } | changes.get(prefix, {})
        data.update({f"{prefix}-{key}": value for key, value in values.items()})
    return data


def test_migration_form_shows_the_twenty_businesses(client_as: Any) -> None:
    page = client_as("obuse-staff").get("/catalog/migration/205419/").content.decode()
    assert page.count('name="child_allowance-status"') == 1
    assert len(re.findall(r'name="[a-z_]+-status"', page)) == 20
    assert "公表値は2026年1月時点のものです" in page and "総務省" in page


@pytest.mark.parametrize("username", ["saku-staff", "tottori-pref-staff", "vendor-demo"])
def test_another_municipalitys_form_is_404(client_as: Any, username: str) -> None:
    assert client_as(username).get("/catalog/migration/205419/").status_code == 404
    response = client_as(username).post("/catalog/migration/205419/", _form_data("205419"))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/catalog/migration/205419/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_national_official_reads_without_inputs(client_as: Any) -> None:
    page = client_as("soumu-official").get("/catalog/migration/205419/").content.decode()
    assert "児童手当" in page and 'name="child_allowance-status"' not in page
    client_as("soumu-official").post(
        "/catalog/migration/205419/", _form_data("205419", child_allowance={"status": "preparing"})
    )
    assert (
        MigrationStatus.objects.get(municipality__code="205419", business__slug="child_allowance").status == "migrated"
    )


def test_saving_changed_rows_only(client_as: Any) -> None:
    data = _form_data("205419", family_register={"status": "migrated", "vendor_name": "デモ事業者"})
    response = client_as("obuse-staff").post("/catalog/migration/205419/", data)
    assert response.status_code == 302
    reported = MigrationStatus.objects.filter(municipality__code="205419", source="reported")
    assert [(r.business.slug, r.status, r.vendor_name) for r in reported] == [
        ("family_register", "migrated", "デモ事業者")
    ]


def test_prefecture_enters_on_behalf(client_as: Any) -> None:
    client = client_as("nagano-pref-staff")
    assert "代わって入力します" in client.get("/catalog/migration/205419/").content.decode()
    client.post("/catalog/migration/205419/", _form_data("205419", family_register={"status": "migrated"}))
    row = MigrationStatus.objects.get(municipality__code="205419", business__slug="family_register")
    assert audit_history(row).get().on_behalf_of.code == "205419"
    timeline = client_as("obuse-staff").get("/catalog/migration/205419/").content.decode()
    assert "長野 県子（長野県・代理入力）" in timeline
    assert "移行中（公表値）" in timeline and "移行完了（団体の報告）" in timeline


def test_stale_form_is_409_and_saves_nothing(client_as: Any) -> None:
    data = _form_data("205419", family_register={"status": "migrated"}, national_pension={"status": "migrating"})
    first = client_as("obuse-manager").post(
        "/catalog/migration/205419/", _form_data("205419", family_register={"status": "preparing"})
    )
    assert first.status_code == 302
    response = client_as("obuse-staff").post("/catalog/migration/205419/", data)
    assert response.status_code == 409
    assert "ほかの人が先に更新しました" in response.content.decode()
    assert (
        MigrationStatus.objects.get(municipality__code="205419", business__slug="family_register").status == "preparing"
    )
    assert (
        MigrationStatus.objects.get(municipality__code="205419", business__slug="national_pension").status == "migrated"
    )


def test_bad_row_is_400_and_saves_nothing(client_as: Any) -> None:
    data = _form_data("205419", family_register={"status": "migrated"}, national_pension={"status": "designated_hard"})
    response = client_as("obuse-staff").post("/catalog/migration/205419/", data)
    assert response.status_code == 400
    page = response.content.decode()
    # The message sits beside the row that caused it (国民年金), in the summary and at the field.
    assert "国民年金 移行予定年度：特定移行支援システムは移行予定年度を入力してください" in page
    assert 'id="id_national_pension-planned_fiscal_year_error"' in page
    assert not MigrationStatus.objects.filter(municipality__code="205419", source="reported").exists()


def test_step_progress_page(client_as: Any) -> None:
    client = client_as("nagano-pref-staff")
    page = client.get("/catalog/migration/205419/steps/family_register/").content.decode()
    assert "現行システム概要調査" in page and "手順の数を数えたもので" in page
    data = {f"step_{n}": "done" for n in range(1, 41)} | {"step_40": "not_applicable"}
    assert client.post("/catalog/migration/205419/steps/family_register/", data).status_code == 302
    assert StepProgress.objects.filter(municipality__code="205419", business__slug="family_register").count() == 40
    page = client.get("/catalog/migration/205419/steps/family_register/").content.decode()
    assert "40手順のうち40手順が完了または対象外です（100%" in page
    assert client_as("chizu-staff").get("/catalog/migration/205419/steps/family_register/").status_code == 404


# Adoptions ---------------------------------------------------------------------------------------


def test_adoption_form_records_own_adoption(client_as: Any, madoguchi: Any) -> None:
    client = client_as("obuse-staff")
    offering = madoguchi.offerings.get(slug="offer-a")
    response = client.post(
        "/catalog/adoptions/", {"system": madoguchi.pk, "offering": offering.pk, "status": "considering", "since": ""}
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(organization__code="205419", system=madoguchi)
    assert (adoption.status, adoption.offering) == ("considering", offering)
    bad = client.post("/catalog/adoptions/", {"system": madoguchi.pk, "status": "unknown"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    assert client_as("saku-staff").post(f"/catalog/adoptions/{adoption.pk}/delete/").status_code == 404
    assert client_as("nagano-pref-staff").post(f"/catalog/adoptions/{adoption.pk}/delete/").status_code == 404
    assert Adoption.objects.filter(pk=adoption.pk).exists()


def test_vendor_proposal_page(client_as: Any, madoguchi: Any) -> None:
    client = client_as("vendor-demo")
    assert client.get("/catalog/systems/madoguchi-dx-saas/offerings/new/").status_code == 200
    response = client.post(
        "/catalog/systems/madoguchi-dx-saas/offerings/new/",
        {"slug": "vendor-new", "product_name": "新しい窓口", "price_min": "500000", "price_max": "900000"},
    )
    assert response.status_code == 302
    assert madoguchi.offerings.get(slug="vendor-new").status == "proposed"
    assert client_as("obuse-staff").get("/catalog/systems/madoguchi-dx-saas/offerings/new/").status_code == 403
    official = client_as("soumu-official")
    official.post("/catalog/offerings/vendor-new/review/", {"decision": "publish"})
    assert madoguchi.offerings.get(slug="vendor-new").status == "published"


def test_officials_create_and_edit_systems(client: Client, client_as: Any) -> None:
    official = client_as("soumu-official")
    assert client_as("obuse-manager").get("/catalog/systems/new/").status_code == 403
    assert client.get("/catalog/systems/new/").status_code == 302  # to the login page
    data = {
        "name": "公共施設予約システム",
        "name_kana": "コウキョウシセツヨヤクシステム",
        "slug": "facility-booking",
        "pattern": "B",
        "business_areas": [],
        "gov_cloud": "no",
        "lifecycle": "available",
    }
    assert official.post("/catalog/systems/new/", data).status_code == 302
    assert "公共施設予約システム" in client.get("/catalog/", {"q": "ｼｾﾂﾖﾔｸ"}).content.decode()
    response = official.post("/catalog/systems/facility-booking/edit/", data | {"lifecycle": "retiring", "name": ""})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    official.post("/catalog/systems/facility-booking/edit/", data | {"lifecycle": "retiring"})
    assert "提供終了予定" in client.get("/catalog/systems/facility-booking/").content.decode()


def test_vendor_edits_own_offering_back_to_review_and_sees_the_decline_reason(client_as: Any, madoguchi: Any) -> None:
    offering = madoguchi.offerings.get(slug="offer-a")  # the demo vendor's, published
    vendor = client_as("vendor-demo")
    data = {"product_name": "デモ窓口クラウド2", "price_min": "1000000", "price_max": "2000000", "spec_version": "1.0"}
    assert vendor.post(f"/catalog/offerings/{offering.slug}/edit/", data).status_code == 302
    offering.refresh_from_db()
    assert (offering.product_name, offering.status) == ("デモ窓口クラウド2", "proposed")
    assert client_as("saku-staff").get(f"/catalog/offerings/{offering.slug}/edit/").status_code == 404
    client_as("soumu-official").post(
        f"/catalog/offerings/{offering.slug}/review/", {"decision": "decline", "comment": "価格の根拠を添えてください"}
    )
    queue = vendor.get("/catalog/offerings/").content.decode()
    assert "非承認" in queue and "価格の根拠を添えてください" in queue
