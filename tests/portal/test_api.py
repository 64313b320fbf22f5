"""The Organizations API, token authentication, errors and health (API.md)."""

import pytest
from django.test import override_settings
from django_otp.oath import totp

from portal.demo import DEMO_PASSWORD, totp_key

pytestmark = pytest.mark.django_db


def test_counts_by_kind(api):
    assert api.get("/api/v1/organizations/?kind=prefecture").json()["count"] == 47
    assert api.get("/api/v1/organizations/?kind=municipality").json()["count"] == 1741


def test_one_organization_by_code(api):
    body = api.get("/api/v1/organizations/131016/").json()
    assert body == {
        "code": "131016",
        "name": "千代田区",
        "name_kana": "チヨダク",
        "kind": "municipality",
        "municipality_type": "special_ward",
        "prefecture_code": "13",
        "prefecture": "130001",
        "population": body["population"],
        "population_band": "50k-100k",
    }
    assert isinstance(body["population"], int) and body["population"] > 50_000


@pytest.mark.parametrize("value", ["13", "130001"])
def test_prefecture_filter_takes_number_or_code(api, value):
    body = api.get(f"/api/v1/organizations/?kind=municipality&prefecture={value}&page_size=200").json()
    assert body["count"] == 62  # Tokyo: 23 special wards, 26 cities, 5 towns, 8 villages
    assert {row["prefecture"] for row in body["results"]} == {"130001"}


def test_search_by_kana_in_any_script(api):
    for query in ["ｵﾌﾞｾ", "おぶせ", "オブセ", "小布施"]:
        codes = [row["code"] for row in api.get("/api/v1/organizations/", {"q": query}).json()["results"]]
        assert codes == ["205419"], query


def test_page_size_is_capped_at_200(api):
    body = api.get("/api/v1/organizations/?page_size=1000").json()
    assert len(body["results"]) == 200
    assert set(body) == {"count", "next", "previous", "results"}


def test_national_agencies_are_named_by_slug(api):
    body = api.get("/api/v1/organizations/soumu/").json()
    assert (body["code"], body["name"], body["kind"], body["prefecture"]) == ("soumu", "総務省", "national", None)


def test_unknown_organization_is_404_with_the_error_shape(api):
    response = api.get("/api/v1/organizations/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "見つかりません。", "errors": {}}


def test_bad_filter_value_is_400_in_japanese_or_english(api):
    response = api.get("/api/v1/organizations/?kind=planet")
    assert response.status_code == 400
    body = response.json()
    assert "kind" in body["errors"] and "入力内容に誤りがあります" in body["detail"]
    english = api.get("/api/v1/organizations/?kind=planet", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "valid choice" in english["errors"]["kind"][0]


def test_token_then_token_authentication(api, users):
    response = api.post("/api/v1/auth/token/", {"username": "obuse-staff", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/organizations/205419/").status_code == 200


def test_token_refused_for_a_wrong_password(api):
    response = api.post("/api/v1/auth/token/", {"username": "obuse-staff", "password": "nope-nope-nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


@override_settings(PORTAL_REQUIRE_2FA=True)
def test_token_needs_the_current_totp_code_for_managers(api):
    credentials = {"username": "obuse-manager", "password": DEMO_PASSWORD}
    missing = api.post("/api/v1/auth/token/", credentials, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()["errors"]
    code = f"{totp(totp_key('obuse-manager')):06d}"
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    right = api.post("/api/v1/auth/token/", {**credentials, "otp": code}, format="json")
    assert right.status_code == 200 and right.json()["token"]
    # A wrong code is refused (and django-otp throttles further tries on that device).
    wrong = api.post("/api/v1/auth/token/", {**credentials, "otp": wrong_code}, format="json")
    assert wrong.status_code == 400 and "otp" in wrong.json()["errors"]
    # Staff do not need a second factor.
    staff = api.post("/api/v1/auth/token/", {"username": "obuse-staff", "password": DEMO_PASSWORD}, format="json")
    assert staff.status_code == 200


def test_healthz(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_schema_and_offline_docs(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/organizations/{code}/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "<script>" not in docs


def test_the_openapi_schema_is_valid_and_unambiguous(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    assert "/api/v1/organizations/{code}/" in path.read_text()
