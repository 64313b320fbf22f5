"""Who may read, create, edit and answer joint procurements — pages and API ask the same policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from portal.models import AuditEntry
from procurement.models import JointProcurement

LIST = "/api/v1/procurement/joint-procurements/"


def ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def cases(register: Any, api_as: Any) -> dict[str, dict[str, Any]]:
    """長野県: one public (recruiting) and one planning procurement; 鳥取県: one public, one planning."""
    nagano_public = register(title="長野県 公開中", participants=["202177", "205419"])
    nagano_planning = register(title="長野県 企画中", status="planning", participants=["205419"])
    tottori = api_as("tottori-pref-staff")
    payload = {"category": "e_bidding", "method": "general_competitive", "participants": ["313289"]}
    tottori_public = tottori.post(
        LIST, payload | {"title": "鳥取県 公開中", "status": "recruiting"}, format="json"
    ).json()
    tottori_planning = tottori.post(
        LIST, payload | {"title": "鳥取県 企画中", "status": "planning"}, format="json"
    ).json()
    return {
        "nagano_public": nagano_public,
        "nagano_planning": nagano_planning,
        "tottori_public": tottori_public,
        "tottori_planning": tottori_planning,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (None, {"nagano_public", "tottori_public"}),
        ("obuse-staff", {"nagano_public", "tottori_public", "nagano_planning"}),  # invited to the planning one
        ("saku-staff", {"nagano_public", "tottori_public"}),  # not invited to the planning one
        ("chizu-staff", {"nagano_public", "tottori_public", "tottori_planning"}),
        ("nagano-pref-staff", {"nagano_public", "tottori_public", "nagano_planning"}),
        ("tottori-pref-staff", {"nagano_public", "tottori_public", "tottori_planning"}),
        ("soumu-official", {"nagano_public", "tottori_public", "nagano_planning", "tottori_planning"}),
        ("vendor-demo", {"nagano_public", "tottori_public"}),
    ],
)
def test_who_sees_which_procurements(
    cases: Any, who: str | None, sees: set[str], api: APIClient, api_as: Any, users: Any
) -> None:
    client = api_as(who) if who else api
    assert ids(client.get(LIST)) == {cases[name]["id"] for name in sees}
    for name, case in cases.items():
        api_status = client.get(f"{LIST}{case['id']}/").status_code
        page = Client()
        if who:
            page.force_login(users[who])
        page_status = page.get(f"/procurement/{case['id']}/").status_code
        expected = 200 if name in sees else 404
        assert (api_status, page_status) == (expected, expected), name


@pytest.mark.django_db
def test_planning_procurement_is_not_public(cases: Any, client: Client, api: APIClient) -> None:
    planning = cases["nagano_planning"]["id"]
    assert client.get(f"/procurement/{planning}/").status_code == 404
    assert api.get(f"{LIST}{planning}/shares/").status_code == 404
    assert "長野県 企画中" not in client.get("/procurement/").content.decode()
    assert "長野県 企画中" not in client.get("/procurement/dashboard/").content.decode()
    package = api.get("/api/v1/procurement/ocds/?prefecture=20").json()
    assert {r["tender"]["title"] for r in package["releases"]} == {"長野県 公開中"}


@pytest.mark.django_db
def test_ocds_is_404_when_no_public_procurement_matches(cases: Any, api: APIClient) -> None:
    assert api.get("/api/v1/procurement/ocds/?prefecture=13").status_code == 404
    assert api.get("/api/v1/procurement/ocds/?prefecture=310000").status_code == 200


@pytest.mark.django_db
def test_another_prefectures_procurement_is_read_only(cases: Any, api_as: Any, client_as: Any) -> None:
    tottori = api_as("tottori-pref-staff")
    public, planning = cases["nagano_public"], cases["nagano_planning"]
    before = JointProcurement.objects.get(pk=public["id"])
    # Public and visible: may read, may not edit (403 with the reason).
    response = tottori.patch(
        f"{LIST}{public['id']}/", {"version": public["version"], "title": "書き換え"}, format="json"
    )
    assert response.status_code == 403
    assert "ほかの都道府県" in response.json()["detail"]
    assert (
        tottori.post(f"{LIST}{public['id']}/transitions/", {"action": "start_tendering"}, format="json").status_code
        == 403
    )
    page = client_as("tottori-pref-staff")
    assert page.get(f"/procurement/{public['id']}/").status_code == 200
    assert "編集する" not in page.get(f"/procurement/{public['id']}/").content.decode()
    assert page.get(f"/procurement/{public['id']}/edit/").status_code == 403
    assert page.post(f"/procurement/{public['id']}/transitions/", {"action": "start_tendering"}).status_code == 403
    # Planning: not found at all.
    assert tottori.patch(f"{LIST}{planning['id']}/", {"version": 1, "title": "x"}, format="json").status_code == 404
    assert page.get(f"/procurement/{planning['id']}/edit/").status_code == 404
    after = JointProcurement.objects.get(pk=public["id"])
    assert (after.title, after.status, after.version) == (before.title, before.status, before.version)


@pytest.mark.django_db
def test_own_prefecture_edits_with_optimistic_locking(cases: Any, api_as: Any) -> None:
    nagano = api_as("nagano-pref-staff")
    case = cases["nagano_public"]
    url = f"{LIST}{case['id']}/"
    first = nagano.patch(url, {"version": case["version"], "estimated_amount": 5_000_000}, format="json")
    assert first.status_code == 200 and first.json()["version"] == case["version"] + 1
    stale = nagano.patch(url, {"version": case["version"], "estimated_amount": 1}, format="json")
    assert stale.status_code == 409
    assert nagano.get(url).json()["estimated_amount"] == 5_000_000


@pytest.mark.django_db
def test_only_prefecture_staff_create(api: APIClient, api_as: Any) -> None:
    payload = {"title": "x", "category": "other", "method": "negotiated", "participants": []}
    assert api.post(LIST, payload, format="json").status_code == 401
    for who in ("obuse-staff", "soumu-official", "vendor-demo"):
        assert api_as(who).post(LIST, payload, format="json").status_code == 403, who
    assert JointProcurement.objects.count() == 0


@pytest.mark.django_db
def test_participant_of_another_prefecture_is_400_and_nothing_is_saved(api_as: Any) -> None:
    payload = {
        "title": "長野県 共同調達",
        "category": "e_bidding",
        "method": "general_competitive",
        "participants": ["205419", "313289"],
    }
    response = api_as("nagano-pref-staff").post(LIST, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "智頭町" in body["errors"]["participants"][0]
    assert JointProcurement.objects.count() == 0
    assert AuditEntry.objects.filter(action="create").count() == 0
    english = api_as("nagano-pref-staff").post(LIST, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert "belongs to another prefecture" in english.json()["errors"]["participants"][0]
    unknown = api_as("nagano-pref-staff").post(LIST, payload | {"participants": ["999999"]}, format="json")
    assert unknown.status_code == 400 and "999999" in unknown.json()["errors"]["participants"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"cost_sharing": {"equal": "0.3", "population": "0.6"}}, "cost_sharing"),
        ({"cost_sharing": {"equal": "1/3", "population": "2/3"}}, "cost_sharing"),
        ({"cost_sharing": {"weird": "1"}}, "cost_sharing"),
        ({"estimated_amount": -1}, "estimated_amount"),
        ({"estimated_amount": 12.5}, "estimated_amount"),
        ({"method": "auction"}, "method"),
        ({"category": "nonexistent"}, "category"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_as: Any, payload: dict[str, Any], field: str) -> None:
    base = {
        "title": "長野県 共同調達",
        "category": "e_bidding",
        "method": "general_competitive",
        "participants": ["205419"],
    }
    response = api_as("nagano-pref-staff").post(LIST, base | payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert JointProcurement.objects.count() == 0


@pytest.mark.django_db
def test_answering_invitations(cases: Any, api_as: Any, users: Any) -> None:
    public = cases["nagano_public"]["id"]
    url = f"{LIST}{public}/participation/"
    # Invited: answers.
    assert (
        api_as("saku-staff").post(url, {"status": "declined", "comment": "今年度は見送り"}, format="json").status_code
        == 200
    )
    # Not invited, same prefecture: may read, may not answer.
    karuizawa = JointProcurement.objects.get(pk=public).participations.filter(municipality__code="203211")
    assert not karuizawa.exists()
    # Another prefecture's municipality: 403 (visible but not theirs).
    response = api_as("chizu-staff").post(url, {"status": "committed"}, format="json")
    assert response.status_code == 403
    assert "ほかの都道府県" in response.json()["detail"]
    # Prefecture staff and officials do not answer for a municipality.
    assert api_as("nagano-pref-staff").post(url, {"status": "committed"}, format="json").status_code == 403
    assert api_as("soumu-official").post(url, {"status": "committed"}, format="json").status_code == 403
    # An unknown answer is 400.
    assert api_as("obuse-staff").post(url, {"status": "maybe"}, format="json").status_code == 400
    # Not invited to a planning procurement: 404.
    planning = cases["nagano_planning"]["id"]
    assert (
        api_as("saku-staff")
        .post(f"{LIST}{planning}/participation/", {"status": "committed"}, format="json")
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_answers_close_when_recruiting_ends(cases: Any, api_as: Any) -> None:
    case = cases["nagano_public"]
    api_as("nagano-pref-staff").post(f"{LIST}{case['id']}/transitions/", {"action": "start_tendering"}, format="json")
    response = api_as("obuse-staff").post(f"{LIST}{case['id']}/participation/", {"status": "committed"}, format="json")
    assert response.status_code == 409
    # An illegal move is 409 too, a missing contract amount 400.
    pref = api_as("nagano-pref-staff")
    assert pref.post(f"{LIST}{case['id']}/transitions/", {"action": "end"}, format="json").status_code == 409
    missing = pref.post(f"{LIST}{case['id']}/transitions/", {"action": "record_contract"}, format="json")
    assert missing.status_code == 400 and "contract_amount" in missing.json()["errors"]


@pytest.mark.django_db
def test_public_sees_who_joined_but_not_who_declined(cases: Any, api_as: Any, client: Client, client_as: Any) -> None:
    case = cases["nagano_public"]["id"]
    api_as("saku-staff").post(
        f"{LIST}{case}/participation/", {"status": "declined", "comment": "予算の都合"}, format="json"
    )
    api_as("obuse-staff").post(f"{LIST}{case}/participation/", {"status": "committed"}, format="json")
    public = client.get(f"/procurement/{case}/").content.decode()
    assert "小布施町" in public
    assert "佐久市" not in public  # not in the participants, the shares or the timeline
    assert "予算の都合" not in public
    lead = client_as("nagano-pref-staff").get(f"/procurement/{case}/").content.decode()
    assert "予算の都合" in lead and "不参加" in lead
    # The API says the same.
    public_api = api_as("chizu-staff").get(f"{LIST}{case}/").json()["participants"]
    assert [(p["municipality"], p["status"], p["comment"]) for p in public_api] == [("205419", "committed", "")]
    own = api_as("saku-staff").get(f"{LIST}{case}/").json()["participants"]
    assert ("202177", "declined", "予算の都合") in [(p["municipality"], p["status"], p["comment"]) for p in own]
    lead_api = api_as("nagano-pref-staff").get(f"{LIST}{case}/").json()["participants"]
    assert {p["municipality"]: p["status"] for p in lead_api} == {"202177": "declined", "205419": "committed"}


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_for_the_forms(client: Client, cases: Any) -> None:
    response = client.get("/procurement/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_post_status(client, f"/procurement/{cases['nagano_public']['id']}/answer/") == 302
    assert client.get("/procurement/share-preview/").status_code == 403


def client_post_status(client: Client, url: str) -> int:
    return client.post(url, {"status": "committed"}).status_code


@pytest.mark.django_db
def test_share_estimate_while_recruiting(
    cases: Any, api: APIClient, api_as: Any, client: Client, client_as: Any
) -> None:
    case = cases["nagano_public"]["id"]  # 12,000,000円 estimate, 佐久市 and 小布施町 invited, 30 % / 70 %
    api_as("saku-staff").post(f"{LIST}{case}/participation/", {"status": "declined"}, format="json")
    # The lead prefecture previews over those still in (小布施町 only, after 佐久市 declined).
    preview = api_as("nagano-pref-staff").get(f"{LIST}{case}/shares/?preview=1").json()
    assert preview == [{"municipality": "205419", "share": 12_000_000}]
    # The public gets no preview (it would name the invited municipalities).
    assert api.get(f"{LIST}{case}/shares/?preview=1").status_code == 401
    assert api_as("tottori-pref-staff").get(f"{LIST}{case}/shares/?preview=1").status_code == 403
    assert api.get(f"{LIST}{case}/shares/").json() == []  # nobody committed yet
    # 小布施町 sees its own estimated share on the case page; the public sees no table yet.
    page = client_as("obuse-staff").get(f"/procurement/{case}/").content.decode()
    assert "現時点の試算では、あなたの団体の負担額は 12,000,000円 です" in page
    assert "参加団体が確定すると、負担額を表示します。" in client.get(f"/procurement/{case}/").content.decode()
