"""The API of API.md "Subsidies": the Done-when journey, versions, visibility and the error shape."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from subsidies.models import Claim, ClaimStatus, Program, ProgramBudget
from tests.subsidies.conftest import GOOD_LINES, OBUSE, TRAVEL_LINE, make_claim, this_fiscal_year

S = ClaimStatus
CLAIMS = "/api/v1/subsidies/claims/"


def transition(client: Any, claim_id: int, action: str, **extra: Any) -> Any:
    return client.post(f"{CLAIMS}{claim_id}/transitions/", {"action": action, **extra}, format="json")


def test_done_when_journey_through_the_api(programs: Any, api_as: Any) -> None:
    staff, manager = api_as("obuse-staff"), api_as("obuse-manager")
    prefecture, official, payer = api_as("nagano-pref-staff"), api_as("soumu-official"), api_as("soumu-payer")
    lines = [GOOD_LINES[0], GOOD_LINES[1], GOOD_LINES[2], TRAVEL_LINE]
    created = staff.post(
        CLAIMS,
        {
            "program": "standardization",
            "fiscal_year": this_fiscal_year(),
            "title": "標準化移行（API）",
            "line_items": lines,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["applicant"] == OBUSE and body["program"] == "standardization"
    assert [line["category"] for line in body["line_items"]] == ["A", "B", "D", "D"]
    travel = body["line_items"][3]
    assert travel["problems"][0]["rule"] == "staff-travel" and "職員の旅費" in travel["problems"][0]["message"]
    claim_id = body["id"]

    refused = transition(manager, claim_id, "submit")
    assert refused.status_code == 400
    assert "line_items[3].description" in refused.json()["errors"]
    assert "4行目" in refused.json()["errors"]["line_items[3].description"][0]

    patched = staff.patch(f"{CLAIMS}{claim_id}/", {"version": body["version"], "line_items": lines[:3]}, format="json")
    assert patched.status_code == 200
    assert all(not line["problems"] for line in patched.json()["line_items"])
    assert patched.json()["requested_amount"] == 9_956_000

    assert transition(manager, claim_id, "submit").json()["status"] == "submitted"
    assert transition(prefecture, claim_id, "confirm").json()["status"] == "under_review"
    assert (
        transition(official, claim_id, "return", comment="見積書の添付をお願いします。").json()["status"] == "returned"
    )
    returned = staff.get(f"{CLAIMS}{claim_id}/").json()
    fixed_lines = [{**GOOD_LINES[0], "amount": 3_000_000}, GOOD_LINES[1], GOOD_LINES[2]]
    assert (
        staff.patch(
            f"{CLAIMS}{claim_id}/", {"version": returned["version"], "line_items": fixed_lines}, format="json"
        ).status_code
        == 200
    )
    assert transition(manager, claim_id, "submit").json()["status"] == "submitted"
    assert transition(prefecture, claim_id, "confirm").json()["status"] == "under_review"
    approved = transition(official, claim_id, "approve", amount=9_000_000)
    assert approved.status_code == 200
    assert approved.json()["decided_amount"] == 9_000_000 and approved.json()["decision_number"]
    reported = transition(manager, claim_id, "report", actual_line_items=fixed_lines[:2])
    assert reported.json()["status"] == "reported"
    assert reported.json()["actual_line_items"][1]["amount"] == GOOD_LINES[1]["amount"]
    fixed = transition(official, claim_id, "fix")
    assert fixed.json()["fixed_amount"] == 8_456_000  # 3,000,000 + 5,456,789 → 8,456,000 < 9,000,000
    assert transition(official, claim_id, "pay").status_code == 403
    assert transition(payer, claim_id, "pay").json()["status"] == "paid"

    history = staff.get(f"{CLAIMS}{claim_id}/history/").json()
    assert [h["action"] for h in history] == [
        "create",
        "submit",
        "confirm",
        "return",
        "submit",
        "confirm",
        "approve",
        "report",
        "fix",
        "pay",
    ]
    assert history[3]["comment"] == "見積書の添付をお願いします。"
    assert history[3]["from_status"] == "under_review" and history[3]["to_status"] == "returned"
    assert history[-1]["actor"] == "soumu-payer"


def test_stale_version_is_409_and_keeps_the_first_save(programs: Any, users: Any, api_as: Any) -> None:
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    first = api_as("obuse-staff").patch(
        f"{CLAIMS}{claim.pk}/", {"version": claim.version, "title": "一人目"}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == claim.version + 1
    second = api_as("obuse-manager").patch(
        f"{CLAIMS}{claim.pk}/", {"version": claim.version, "title": "二人目"}, format="json"
    )
    assert second.status_code == 409
    assert "先に保存" in second.json()["detail"]
    claim.refresh_from_db()
    assert claim.title == "一人目"


def test_patch_needs_a_version_and_an_editable_claim(programs: Any, users: Any, api_as: Any) -> None:
    draft = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    missing = api_as("obuse-staff").patch(f"{CLAIMS}{draft.pk}/", {"title": "x"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]
    submitted = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    locked = api_as("obuse-staff").patch(
        f"{CLAIMS}{submitted.pk}/", {"version": submitted.version, "title": "x"}, format="json"
    )
    assert locked.status_code == 409


def test_another_organizations_claim_is_404(programs: Any, users: Any, api_as: Any) -> None:
    claim = make_claim(S.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    for username in ("saku-staff", "saku-manager", "chizu-staff", "tottori-pref-staff", "vendor-demo"):
        client = api_as(username)
        assert client.get(f"{CLAIMS}{claim.pk}/").status_code == 404
        assert client.get(f"{CLAIMS}{claim.pk}/history/").status_code == 404
        assert client.patch(f"{CLAIMS}{claim.pk}/", {"version": 1, "title": "x"}, format="json").status_code == 404
        assert claim.pk not in [c["id"] for c in client.get(CLAIMS).json()["results"]]
    # the same answer as for an id that does not exist
    assert api_as("saku-staff").get(f"{CLAIMS}99999999/").status_code == 404


def test_lists_show_what_each_may_see(programs: Any, users: Any, api_as: Any) -> None:
    program = programs["standardization"]
    obuse_draft = make_claim(S.DRAFT, program=program, by=users["obuse-staff"])
    obuse_sent = make_claim(S.SUBMITTED, program=program, by=users["obuse-staff"])
    saku_sent = make_claim(S.SUBMITTED, program=program, applicant="202177", by=users["saku-staff"])
    tottori = make_claim(S.UNDER_REVIEW, program=program, applicant="313289", by=users["chizu-staff"])

    def ids(username: str, query: str = "") -> set[int]:
        return {c["id"] for c in api_as(username).get(f"{CLAIMS}{query}").json()["results"]}

    assert ids("obuse-staff") == {obuse_draft.pk, obuse_sent.pk}
    assert ids("nagano-pref-staff") == {obuse_sent.pk, saku_sent.pk}  # never a municipality's unsent draft
    assert ids("soumu-official") == {obuse_sent.pk, saku_sent.pk, tottori.pk}
    assert ids("cao-official") == {obuse_sent.pk, saku_sent.pk, tottori.pk}
    assert ids("soumu-official", "?status=under_review") == {tottori.pk}
    assert ids("soumu-official", f"?applicant={OBUSE}") == {obuse_sent.pk}
    assert ids("vendor-demo") == set()


def test_the_list_summarizes_and_the_detail_has_the_lines(programs: Any, users: Any, api_as: Any) -> None:
    from catalog.business_areas import load_business_areas
    from catalog.models import BusinessArea

    load_business_areas()
    claim = make_claim(S.APPROVED, program=programs["standardization"], by=users["obuse-staff"])
    claim.businesses.set(BusinessArea.objects.filter(slug__in=["resident_registry", "individual_inhabitant_tax"]))
    official = api_as("soumu-official")

    listed = official.get(f"{CLAIMS}?applicant={OBUSE}").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert "line_items" not in row and "actual_line_items" not in row and "digiden_plan" not in row
    assert row["line_count"] == len(GOOD_LINES)
    assert row["applicant"] == OBUSE and row["program"] == "standardization" and row["status"] == "approved"
    assert row["requested_amount"] == claim.requested_amount and row["decided_amount"] == claim.requested_amount
    assert sorted(row["businesses"]) == ["individual_inhabitant_tax", "resident_registry"]

    detail = official.get(f"{CLAIMS}{claim.pk}/").json()
    assert len(detail["line_items"]) == len(GOOD_LINES)
    # Every field the list shows, it shows as the detail does (the detail's `businesses` order included).
    assert {key: value for key, value in detail.items() if key in row} == {
        key: value for key, value in row.items() if key != "line_count"
    }

    exported = official.get(f"{CLAIMS}?format=csv&applicant={OBUSE}")
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert "line_items" in header  # the export keeps one full row per claim, lines included

    schema = official.get("/api/schema/?format=json").json()
    listed_shape = schema["paths"][CLAIMS]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][listed_shape["$ref"].rsplit("/", 1)[1]]
    item = schema["components"]["schemas"][page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert "line_count" in item["properties"] and "line_items" not in item["properties"]


def test_bad_input_is_400_per_line_and_writes_nothing(programs: Any, api_as: Any) -> None:
    before = Claim.objects.count()
    response = api_as("obuse-staff").post(
        CLAIMS,
        {
            "program": "standardization",
            "fiscal_year": this_fiscal_year(),
            "title": "誤りのある申請",
            "line_items": [
                {"category": "A", "description": "調査", "amount": 1_000},
                {"category": "Q", "description": "不明", "amount": 1_000},
                {"category": "B", "description": "移行", "amount": 0},
                {"category": "C", "description": "構築", "amount": 999_999_999_999_999},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"line_items[1].category", "line_items[2].amount", "line_items[3].amount"}
    assert Claim.objects.count() == before


def test_errors_in_english_when_asked(programs: Any, users: Any, api_as: Any) -> None:
    claim = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    response = api_as("soumu-official").post(
        f"{CLAIMS}{claim.pk}/transitions/", {"action": "approve", "amount": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "cannot" in response.json()["detail"]
    japanese = api_as("soumu-official").post(
        f"{CLAIMS}{claim.pk}/transitions/", {"action": "approve", "amount": 1}, format="json"
    )
    assert "行えません" in japanese.json()["detail"]


def test_programs_are_public_with_rates_caps_and_budgets(programs: Any, api: Any) -> None:
    response = api.get("/api/v1/subsidies/programs/")
    assert response.status_code == 200
    by_code = {p["code"]: p for p in response.json()["results"]}
    assert by_code["standardization"]["rate"] == "1/1" and by_code["standardization"]["owner"] == "soumu"
    assert by_code["digiden-type3"]["rate"] == "2/3" and by_code["digiden-type3"]["cap"] == 400_000_000
    assert by_code["digiden-type-s"]["cap_basis"] == "project_cost" and by_code["digiden-type-s"]["owner"] == "cao"
    budgets = {b["fiscal_year"]: b for b in by_code["standardization"]["budgets"]}
    assert budgets[2020]["budget"] == 150_900_000_000 and budgets[2023]["budget"] == 516_300_000_000
    assert [c["code"] for c in by_code["standardization"]["eligible_categories"]] == ["A", "B", "C", "D", "E", "F"]


def test_budget_remaining_follows_approvals(programs: Any, users: Any, api_as: Any) -> None:
    claim = make_claim(S.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    transition(api_as("soumu-official"), claim.pk, "approve", amount=1_000_000)
    program = api_as("obuse-staff").get("/api/v1/subsidies/programs/standardization/").json()
    budget = next(b for b in program["budgets"] if b["fiscal_year"] == this_fiscal_year())
    assert budget["decided"] == 1_000_000
    assert (
        budget["remaining"]
        == ProgramBudget.objects.get(
            pk=ProgramBudget.objects.get(program__code="standardization", fiscal_year=this_fiscal_year()).pk
        ).remaining
    )


def test_caps_show_own_organization_only(programs: Any, api_as: Any) -> None:
    own = api_as("obuse-staff").get("/api/v1/subsidies/caps/").json()["results"]
    assert {c["organization"] for c in own} == {OBUSE}
    assert own[0]["remaining"] == own[0]["cap"] - own[0]["granted"]
    prefecture = api_as("nagano-pref-staff").get("/api/v1/subsidies/caps/?program=standardization").json()["results"]
    assert {c["organization"] for c in prefecture} == {OBUSE, "202177", "200000"}


def test_check_endpoint_gives_problems_and_totals(programs: Any, api_as: Any, api: Any) -> None:
    body = {
        "program": "standardization",
        "line_items": [GOOD_LINES[0], TRAVEL_LINE, {"category": "Z", "description": "x", "amount": "1,000"}],
    }
    response = api_as("obuse-staff").post("/api/v1/subsidies/check/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["line_items"][0]["problems"] == []
    assert data["line_items"][1]["problems"][0]["rule"] == "staff-travel"
    assert data["line_items"][2]["errors"]
    assert data["eligible_total"] == 3_300_000 + 48_000 + 1_000
    assert data["unresolved"] == 1
    assert api.post("/api/v1/subsidies/check/", body, format="json").status_code == 401


def test_list_exports_csv_in_shift_jis_and_xlsx(programs: Any, users: Any, api_as: Any) -> None:
    claim = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    claim.title = "@SUM(A1:A9) 髙橋町の移行"
    claim.save()
    make_claim(S.SUBMITTED, program=programs["standardization"], applicant="313289", by=users["chizu-staff"])
    client = api_as("nagano-pref-staff")
    response = client.get(f"{CLAIMS}?format=csv&encoding=cp932&status=submitted")
    assert response.status_code == 200 and "shift_jis" in response["Content-Type"].lower()
    assert "claims_" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("cp932"))))
    assert [(r["id"], r["title"]) for r in rows] == [(str(claim.pk), "'@SUM(A1:A9) 髙橋町の移行")]  # 長野県's only
    claim.title = '=HYPERLINK("http://example.com")'
    claim.save()
    xlsx = client.get(f"{CLAIMS}?format=xlsx&status=submitted")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    title = table[0].index("title")
    assert [row[title] for row in table[1:]] == ['\'=HYPERLINK("http://example.com")']  # never run as a formula
    assert table[1][table[0].index("requested_amount")] == claim.requested_amount  # numbers stay numbers
    assert client.get(f"{CLAIMS}{claim.pk}/?format=csv").status_code == 404  # only lists export


def test_programs_and_caps_lists_export(programs: Any, api_as: Any) -> None:
    client = api_as("soumu-official")
    listed = client.get("/api/v1/subsidies/programs/?format=csv")
    assert listed.status_code == 200 and listed.content.startswith("\ufeff".encode())
    codes = {r["code"] for r in csv.DictReader(io.StringIO(listed.content.decode("utf-8-sig")))}
    assert codes == set(Program.objects.values_list("code", flat=True))
    caps = client.get("/api/v1/subsidies/caps/?format=csv&organization=205419")
    rows = list(csv.DictReader(io.StringIO(caps.content.decode("utf-8-sig"))))
    assert [(r["program"], r["cap"]) for r in rows] == [("standardization", "300000000")]


def test_money_by_program_year(programs: Any, users: Any, api_as: Any) -> None:
    from subsidies.selectors import money_by_program_year

    claim = make_claim(
        S.FIXED, program=programs["standardization"], by=users["obuse-staff"], fixed_by=users["soumu-official"]
    )
    transition(api_as("soumu-payer"), claim.pk, "pay")
    row = next(
        r
        for r in money_by_program_year()
        if r["program"] == "standardization" and r["fiscal_year"] == this_fiscal_year()
    )
    assert row["decided"] == claim.decided_amount and row["paid"] == claim.fixed_amount
    published = next(
        r for r in money_by_program_year() if r["program"] == "standardization" and r["fiscal_year"] == 2023
    )
    assert published["budget"] == 516_300_000_000 and not published["is_demo"]
