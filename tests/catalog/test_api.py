"""API.md "Catalog": systems search and filters, a system's detail, migration statuses with optimistic locking,
adoptions and offerings seen per role."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import MigrationStatus, OfferingStatus
from portal.audit import audit_history
from portal.models import Organization

from .factories import adopt, make_offering, make_system, make_vendor, municipalities

pytestmark = pytest.mark.django_db

SYSTEMS = "/api/v1/catalog/systems/"
STATUS = "/api/v1/catalog/migration-status/"


@pytest.fixture
def madoguchi() -> Any:
    system = make_system(
        name="窓口DX SaaS",
        kana="マドグチディーエックスサース",
        pattern="B",
        areas=("counter",),
        slug="madoguchi-dx-saas",
    )
    make_system(name="ワクチン接種記録システム", kana="ワクチンセッシュキロクシステム", pattern="A", slug="vrs")
    return system


@pytest.mark.parametrize("q", ["ﾏﾄﾞｸﾞﾁ", "まどぐち", "マドグチ", "窓口", "ＤＸ", "dx saas", "ﾃﾞｨｰｴｯｸｽ"])
def test_search_folds_kana_and_width(api: Any, madoguchi: Any, q: str) -> None:
    body = api.get(SYSTEMS, {"q": q}).json()
    assert [r["slug"] for r in body["results"]] == ["madoguchi-dx-saas"]


def test_list_fields_filters_and_adoption_ordering(api: Any, madoguchi: Any) -> None:
    vrs = make_system(name="別のA", pattern="A", slug="another-a")
    make_offering(madoguchi)
    make_offering(madoguchi, status=OfferingStatus.PROPOSED)  # not counted: not public
    for org in municipalities(limit=3):
        adopt(org, madoguchi)
    adopt(municipalities(limit=4)[3], madoguchi, status="considering")  # not counted
    adopt(municipalities(limit=1)[0], vrs)
    body = api.get(SYSTEMS, {"ordering": "-adoption_count"}).json()
    first = body["results"][0]
    assert set(first) >= {
        "slug",
        "name",
        "pattern",
        "business_areas",
        "owner",
        "gov_cloud",
        "adoption_count",
        "offerings_count",
    }
    assert (first["slug"], first["adoption_count"], first["offerings_count"]) == ("madoguchi-dx-saas", 3, 1)
    assert first["business_areas"] == ["counter"]
    assert {r["slug"] for r in api.get(SYSTEMS, {"pattern": "A"}).json()["results"]} == {"another-a", "vrs"}
    assert api.get(SYSTEMS, {"business_area": "counter"}).json()["count"] == 1
    assert api.get(SYSTEMS, {"pattern": "Z"}).status_code == 400


def test_detail_with_offerings_by_prefecture_and_similar_adopters(api: Any, madoguchi: Any) -> None:
    offering = make_offering(madoguchi, slug="demo-madoguchi-cloud")
    nagano_band = municipalities(prefecture_code="20", band="10k-30k", limit=4)
    for org in nagano_band[:3]:
        adopt(org, madoguchi, offering=offering)
    adopt(municipalities(prefecture_code="31", limit=1)[0], madoguchi)
    adopt(municipalities(prefecture_code="20", band="200k-500k", limit=1)[0], madoguchi)  # another band
    body = api.get(f"{SYSTEMS}madoguchi-dx-saas/", {"for": "205419"}).json()
    assert [o["slug"] for o in body["offerings"]] == ["demo-madoguchi-cloud"]
    assert body["offerings"][0]["adoption_count"] == 3
    by_pref = {row["prefecture"]: row["count"] for row in body["adoption_by_prefecture"]}
    assert by_pref == {"200000": 4, "310000": 1}
    assert {a["code"] for a in body["similar_adopters"]} == {o.code for o in nagano_band[:3]}
    assert api.get(f"{SYSTEMS}madoguchi-dx-saas/", {"for": "999999"}).status_code == 400
    assert api.get(f"{SYSTEMS}no-such-system/").status_code == 404


def test_patterns(api: Any) -> None:
    body = api.get("/api/v1/catalog/patterns/").json()
    assert [p["code"] for p in body["results"]] == ["A", "B", "standardized", "individual"]
    assert body["results"][1]["owner"] == "事業者"


def test_systems_list_query_count_is_constant(api: Any, django_assert_max_num_queries: Any, madoguchi: Any) -> None:
    orgs = municipalities(limit=60)

    def grow(n: int) -> None:
        for _ in range(n):
            system = make_system(areas=("counter", "library"))
            make_offering(system)
            for org in orgs[:5]:
                adopt(org, system)

    grow(5)
    with django_assert_max_num_queries(4) as small:
        api.get(SYSTEMS, {"page_size": 200})
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(SYSTEMS, {"page_size": 200}).json()["count"] == 22


# Migration status --------------------------------------------------------------------------------


def _status(code: str = "205419", business: str = "family_register") -> MigrationStatus:
    return MigrationStatus.objects.get(municipality__code=code, business__slug=business)


def test_status_list_filters_and_hides_vendor_from_anonymous(api: Any, api_as: Any) -> None:
    MigrationStatus.objects.filter(municipality__code="205419").update(vendor_name="デモ事業者")
    body = api.get(STATUS, {"municipality": "205419"}).json()
    assert body["count"] == 20
    row = body["results"][0]
    assert set(row) >= {
        "id",
        "municipality",
        "business",
        "status",
        "planned_fiscal_year",
        "vendor",
        "on_gov_cloud",
        "source",
        "version",
    }
    assert row["municipality"] == "205419" and row["vendor"] is None
    assert api_as("saku-staff").get(STATUS, {"municipality": "205419"}).json()["results"][0]["vendor"] == "デモ事業者"
    one = api.get(STATUS, {"municipality": "205419", "business": "family_register"}).json()["results"]
    assert [(r["business"], r["status"], r["source"]) for r in one] == [("family_register", "migrating", "published")]
    assert api.get(STATUS, {"status": "designated_hard", "municipality": "011002"}).json()["count"] > 0


def test_put_own_status_then_stale_version_is_409(api_as: Any) -> None:
    row = _status()
    payload = {"status": "migrated", "planned_fiscal_year": None, "on_gov_cloud": True, "version": row.version}
    client = api_as("obuse-staff")
    response = client.put(f"{STATUS}{row.pk}/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["source"], response.json()["version"]) == ("reported", row.version + 1)
    stale = api_as("obuse-manager").put(f"{STATUS}{row.pk}/", payload | {"status": "preparing"}, format="json")
    assert stale.status_code == 409
    assert "更新" in stale.json()["detail"]
    assert _status().status == "migrated"


def test_put_stale_in_english(api_as: Any) -> None:
    row = _status()
    payload = {"status": "migrated", "version": row.version + 7}
    response = api_as("obuse-staff").put(f"{STATUS}{row.pk}/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else saved this first")


def test_put_on_behalf_and_refusals(api: Any, api_as: Any) -> None:
    row = _status()
    payload = {"status": "preparing", "version": row.version}
    assert api.put(f"{STATUS}{row.pk}/", payload, format="json").status_code == 401
    assert api_as("saku-staff").put(f"{STATUS}{row.pk}/", payload, format="json").status_code == 403
    assert api_as("tottori-pref-staff").put(f"{STATUS}{row.pk}/", payload, format="json").status_code == 403
    assert api_as("soumu-official").put(f"{STATUS}{row.pk}/", payload, format="json").status_code == 403
    assert _status().version == row.version
    response = api_as("nagano-pref-staff").put(f"{STATUS}{row.pk}/", payload, format="json")
    assert response.status_code == 200
    assert audit_history(row).get().on_behalf_of == Organization.objects.get(code="205419")


def test_put_bad_input_is_400_with_field_errors(api_as: Any) -> None:
    row = _status()
    response = api_as("obuse-staff").put(
        f"{STATUS}{row.pk}/", {"status": "designated_hard", "version": row.version}, format="json"
    )
    assert response.status_code == 400
    assert "planned_fiscal_year" in response.json()["errors"]
    response = api_as("obuse-staff").put(
        f"{STATUS}{row.pk}/", {"status": "done", "version": row.version}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]
    assert _status().version == row.version


# Adoptions and offerings per role ----------------------------------------------------------------


def test_considering_adoptions_are_private(api: Any, api_as: Any) -> None:
    system = make_system()
    adopt("205419", system, status="considering")
    adopt("202177", system, status="in_use")
    url = "/api/v1/catalog/adoptions/"

    def seen(client: Any) -> set[str]:
        return {(r["organization"], r["status"]) for r in client.get(url, {"system": system.slug}).json()["results"]}

    public = {("202177", "in_use")}
    assert seen(api) == public
    assert seen(api_as("saku-staff")) == public
    assert seen(api_as("tottori-pref-staff")) == public
    both = public | {("205419", "considering")}
    assert seen(api_as("obuse-staff")) == both
    assert seen(api_as("nagano-pref-staff")) == both
    assert seen(api_as("soumu-official")) == both


def test_adoption_create_is_for_own_organization(api: Any, api_as: Any) -> None:
    system = make_system()
    url = "/api/v1/catalog/adoptions/"
    assert api.post(url, {"system": system.slug, "status": "in_use"}, format="json").status_code == 401
    response = api_as("obuse-staff").post(url, {"system": system.slug, "status": "procuring"}, format="json")
    assert response.status_code == 201 and response.json()["organization"] == "205419"
    adoption_id = response.json()["id"]
    assert api_as("nagano-pref-staff").delete(f"{url}{adoption_id}/").status_code == 403
    assert api_as("saku-staff").delete(f"{url}{adoption_id}/").status_code == 404  # private: not found
    assert (
        api_as("vendor-demo").post(url, {"system": system.slug, "status": "in_use"}, format="json").status_code == 403
    )
    assert api_as("obuse-manager").delete(f"{url}{adoption_id}/").status_code == 204


def test_unpublished_offerings_seen_only_by_their_vendor_and_officials(api: Any, api_as: Any) -> None:
    system = make_system(pattern="B")
    other_vendor = make_vendor()
    proposed = make_offering(system, status=OfferingStatus.PROPOSED, slug="secret-offer")
    url = f"/api/v1/catalog/offerings/{proposed.slug}/"
    assert api.get(url).status_code == 404
    assert api_as("obuse-staff").get(url).status_code == 404
    other = api_as("obuse-staff")
    other.force_authenticate(other_vendor.members.create(username="other-vendor"))
    assert other.get(url).status_code == 404
    assert api_as("vendor-demo").get(url).status_code == 200
    assert api_as("soumu-official").get(url).status_code == 200
    assert api_as("vendor-demo").post(f"{url}publish/", {}, format="json").status_code == 403
    assert api_as("soumu-official").post(f"{url}publish/", {"comment": "OK"}, format="json").status_code == 200
    assert api.get(url).status_code == 200


def test_vendor_proposes_through_the_api(api_as: Any) -> None:
    system = make_system(pattern="B", slug="b-system")
    payload = {
        "slug": "api-offer",
        "system": "b-system",
        "product_name": "API製品",
        "price_min": 1000,
        "price_max": 900,
    }
    response = api_as("vendor-demo").post("/api/v1/catalog/offerings/", payload, format="json")
    assert response.status_code == 400 and "price_max" in response.json()["errors"]
    response = api_as("vendor-demo").post("/api/v1/catalog/offerings/", payload | {"price_max": 5000}, format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["vendor"]) == ("proposed", "demo-vendor")
    assert (
        api_as("obuse-staff").post("/api/v1/catalog/offerings/", payload | {"slug": "x"}, format="json").status_code
        == 403
    )
    assert system.offerings.count() == 1
