"""The pages: the same "Done when" flow through the browser forms, the register, the case page, the dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from procurement.models import JointProcurement, Participation

from .test_done_when import assert_valid_ocds


def main_content(response: Any) -> str:
    html = response.content.decode()
    return html.split('id="main"', 1)[1].split("</main>", 1)[0]


def visible_text(html: str) -> str:
    """The text a reader sees: tags, attributes and URLs left out."""
    return re.sub(r"<[^>]+>", " ", html)


FORM = {
    "title": "長野県市町村 施設予約システム共同調達",
    "category": "facility_booking",
    "method": "general_competitive",
    "status": "recruiting",
    "recruiting_deadline": "令和8年1月30日",
    "estimated_amount": "9000000",
    "share_equal": "30",
    "share_population": "70",
    "share_usage": "0",
    "participants": ["202177", "203211", "205419"],
}


@pytest.mark.django_db
def test_the_done_when_flow_through_the_pages(client_as: Any, staff_of: Any, api: Any) -> None:
    pref = client_as("nagano-pref-staff")
    blank = pref.get("/procurement/new/").content.decode()
    for name in ("title", "category", "method", "status", "estimated_amount", "share_equal", "share_population"):
        assert f'name="{name}"' in blank and f'for="id_{name}"' in blank, name
    assert blank.count('name="participants"') == 77  # every municipality of 長野県, each with its label
    assert "智頭町" not in blank
    # The preview button re-renders the form with the shares (no JavaScript needed).
    preview = pref.post("/procurement/new/", FORM | {"preview": "1"})
    assert preview.status_code == 200
    assert "負担額の試算（保存前）" in preview.content.decode()
    assert "9,000,000円" in preview.content.decode()
    assert not JointProcurement.objects.filter(title=FORM["title"]).exists()

    response = pref.post("/procurement/new/", FORM)
    procurement = JointProcurement.objects.get(title=FORM["title"])
    assert response.status_code == 302 and response["Location"] == f"/procurement/{procurement.pk}/"
    assert procurement.recruiting_deadline.isoformat() == "2026-01-30"
    assert procurement.cost_sharing == {"equal": "0.3", "population": "0.7"}

    # Each municipality sees the invitation on the register and answers with one click.
    answerers = [client_as("saku-staff"), client_as("obuse-staff")]
    other = Client()
    other.force_login(staff_of("203211"))
    answerers.append(other)
    for client in answerers:
        register = client.get("/procurement/")
        assert "あなたの団体への参加意向調査" in register.content.decode()
        assert FORM["title"] in register.content.decode()
        answered = client.post(
            f"/procurement/{procurement.pk}/answer/", {"status": "committed", "comment": "", "next": "/procurement/"}
        )
        assert answered.status_code == 302 and answered["Location"] == "/procurement/"
    assert set(procurement.participations.values_list("status", flat=True)) == {"committed"}

    # The prefecture closes recruiting, records the award and contract.
    pref.post(f"/procurement/{procurement.pk}/transitions/", {"action": "start_tendering"})
    procurement.refresh_from_db()
    edit = pref.get(f"/procurement/{procurement.pk}/edit/")
    assert edit.status_code == 200
    data = FORM | {
        "version": procurement.version,
        "awarded_vendor_name": "信州システム株式会社",
        "contract_amount": "8765433",
        "contract_date": "R8.3.2",
    }
    data.pop("status")
    assert pref.post(f"/procurement/{procurement.pk}/edit/", data).status_code == 302
    pref.post(f"/procurement/{procurement.pk}/transitions/", {"action": "record_contract"})
    procurement.refresh_from_db()
    assert procurement.status == "contracted"
    assert procurement.contract_amount == 8_765_433

    # The case page shows the shares, adding up to the contract amount.
    page = Client().get(f"/procurement/{procurement.pk}/")
    html = main_content(page)
    assert "参加団体の負担額" in html
    shares = api.get(f"/api/v1/procurement/joint-procurements/{procurement.pk}/shares/").json()
    assert sum(s["share"] for s in shares) == 8_765_433
    for row in shares:
        assert f"{row['share']:,}円" in html
    assert "8,765,433円" in html.split("<tfoot>", 1)[1]

    # The public dashboard counts the case: 1 procurement, 3 municipalities in 長野県 × 施設予約.
    dashboard = Client().get("/procurement/dashboard/?prefecture=20&category=facility_booking")
    content = main_content(dashboard)
    assert FORM["title"] in content
    nagano_row = content.split('<th scope="row">長野県</th>', 1)[1].split("</tr>", 1)[0]
    assert "3団体" in nagano_row
    assert_valid_ocds(api.get("/api/v1/procurement/ocds/?prefecture=200000").json())


@pytest.mark.django_db
def test_a_form_with_a_bad_split_or_another_prefectures_municipality_changes_nothing(client_as: Any) -> None:
    pref = client_as("nagano-pref-staff")
    before = JointProcurement.objects.count()
    response = pref.post("/procurement/new/", FORM | {"share_population": "60"})
    assert response.status_code == 200
    assert "合計を100％にしてください" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    # 智頭町 (鳥取県) is not in 長野県's list: the choice is refused.
    response = pref.post("/procurement/new/", FORM | {"participants": ["202177", "313289"]})
    assert response.status_code == 200
    # The summary links to the list of municipalities, which the error describes.
    assert '<a href="#id_participants">' in response.content.decode()
    assert '<fieldset id="id_participants" aria-describedby="id_participants_error">' in response.content.decode()
    assert JointProcurement.objects.count() == before
    assert Participation.objects.count() == 0


@pytest.mark.django_db
def test_dashboard_shows_counts_only_no_percentages_or_rankings(client: Client, register: Any) -> None:
    register()
    response = client.get("/procurement/dashboard/")
    assert response.status_code == 200
    content = main_content(response)
    text = visible_text(content)
    assert "%" not in text and "％" not in text
    for word in ("順位", "ランキング", "位）", "上位", "率"):
        assert word not in text
    assert "%" not in content  # not even in links or attributes


@pytest.mark.django_db
def test_dashboard_filters_find_cases_of_similar_scale(client: Client, register: Any, users: Any) -> None:
    small = register(title="小規模の共同調達", participants=["205419"])
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users["obuse-staff"])
    api.post(
        f"/api/v1/procurement/joint-procurements/{small['id']}/participation/", {"status": "committed"}, format="json"
    )
    content = main_content(
        client.get("/procurement/dashboard/?participants_min=1&participants_max=1&population_max=20000")
    )
    assert "小規模の共同調達" in content
    content = main_content(client.get("/procurement/dashboard/?population_min=100000"))
    assert "小規模の共同調達" not in content


@pytest.mark.django_db
def test_register_list_and_dashboard_query_counts_do_not_grow_with_rows(
    client: Client, client_as: Any, register: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(c: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    register()
    pref = client_as("nagano-pref-staff")
    saku = client_as("saku-staff")
    urls = [
        (client, "/procurement/"),
        (client, "/procurement/dashboard/"),
        (pref, "/procurement/"),
        (saku, "/procurement/"),
    ]
    before = [count(c, url) for c, url in urls]
    for i in range(6):
        register(title=f"追加の共同調達 {i}", category=["e_bidding", "giga_devices", "school_affairs"][i % 3])
    assert [count(c, url) for c, url in urls] == before
    assert max(before) <= 12


@pytest.mark.django_db
def test_live_preview_endpoint_returns_shares_that_add_up(client_as: Any, client: Client) -> None:
    pref = client_as("nagano-pref-staff")
    query = "estimated_amount=1000001&share_equal=30&share_population=70&share_usage=0&participants=202177&participants=205419"
    data = pref.get(f"/procurement/share-preview/?{query}").json()
    assert data["total"] == 1_000_001
    assert [row["municipality"] for row in data["shares"]] == ["202177", "205419"]
    assert pref.get("/procurement/share-preview/?estimated_amount=-5&share_equal=100").status_code == 400
    assert client_as("obuse-staff").get(f"/procurement/share-preview/?{query}").status_code == 403


@pytest.mark.django_db
def test_system_section_template_lists_the_procurements_of_a_system(register: Any, rf: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from catalog.models import SharedSystem
    from procurement.selectors import procurements_for_system

    system = SharedSystem.objects.create(
        slug="e-shinsei", name="電子申請サービス", name_kana="でんししんせい", pattern="B"
    )
    created = register(system="e-shinsei")
    register(title="企画中の案件", system="e-shinsei", status="planning")
    html = render_to_string(
        "procurement/_system_procurements.html",
        {"procurements": procurements_for_system(user=AnonymousUser(), system=system)},
    )
    assert "共同調達の事例" in html
    assert created["title"] in html
    assert "企画中の案件" not in html


@pytest.mark.django_db
def test_dashboard_in_english(client: Client, register: Any) -> None:
    register()
    content = main_content(client.get("/procurement/dashboard/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Joint procurement dashboard" in content
    assert "Counts by prefecture and category" in content


@pytest.mark.django_db
def test_two_people_editing_the_same_procurement_the_second_gets_a_conflict(client_as: Any, register: Any) -> None:
    case = register()
    first, second = client_as("nagano-pref-staff"), client_as("nagano-pref-staff")
    data = FORM | {"version": case["version"], "participants": ["202177", "203211", "205419"]}
    data.pop("status")
    assert first.post(f"/procurement/{case['id']}/edit/", data | {"title": "先に保存"}).status_code == 302
    response = second.post(f"/procurement/{case['id']}/edit/", data | {"title": "後から保存"})
    assert response.status_code == 200
    assert "ほかの人が先に更新しました" in response.content.decode()
    assert JointProcurement.objects.get(pk=case["id"]).title == "先に保存"


@pytest.mark.django_db
def test_a_committed_municipality_can_withdraw_until_the_contract(client_as: Any, register: Any, api_as: Any) -> None:
    case = register()
    saku = client_as("saku-staff")
    saku.post(f"/procurement/{case['id']}/answer/", {"status": "committed"})
    api_as("nagano-pref-staff").post(
        f"/api/v1/procurement/joint-procurements/{case['id']}/transitions/",
        {"action": "start_tendering"},
        format="json",
    )
    page = saku.get(f"/procurement/{case['id']}/").content.decode()
    assert "回答する" in page  # a withdrawal is still possible while tendering
    saku.post(f"/procurement/{case['id']}/answer/", {"status": "withdrawn", "comment": "議会で予算が否決されました"})
    participation = Participation.objects.get(procurement_id=case["id"], municipality__code="202177")
    assert participation.status == "withdrawn"
    # Joining again once recruiting closed is refused, with the reason shown.
    response = saku.post(f"/procurement/{case['id']}/answer/", {"status": "committed"}, follow=True)
    assert "回答を受け付けていません" in response.content.decode()
    participation.refresh_from_db()
    assert participation.status == "withdrawn"


@pytest.mark.django_db
def test_case_page_timeline_shows_who_did_what(client_as: Any, register: Any, client: Client) -> None:
    case = register()
    client_as("obuse-staff").post(f"/procurement/{case['id']}/answer/", {"status": "committed"})
    client_as("nagano-pref-staff").post(
        f"/procurement/{case['id']}/transitions/", {"action": "start_tendering", "comment": "回答が揃ったため"}
    )
    lead = main_content(client_as("nagano-pref-staff").get(f"/procurement/{case['id']}/"))
    timeline = lead.split('<ol class="timeline">', 1)[1]
    assert "長野県：登録" in timeline
    assert "長野県：参加の招待（小布施町）" in timeline
    assert "長野県小布施町：参加意向の回答（小布施町：参加）" in timeline
    assert "募集を締め切り、入札・選定に進む" in timeline and "回答が揃ったため" in timeline
    # Newest first.
    assert timeline.index("募集を締め切り") < timeline.index("長野県：登録")
    public = main_content(client.get(f"/procurement/{case['id']}/")).split('<ol class="timeline">', 1)[1]
    assert "長野県：登録" in public and "参加の招待" not in public and "参加意向の回答" not in public
