"""Every action from every status, for every demo login, through the API: 200, 403, 404 or 409 as DESIGN.md says.

The expected outcome is written out here independently of subsidies/workflow.py, so a wrong row there fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from subsidies.models import Claim, ClaimEvent, ClaimStatus
from tests.subsidies.conftest import GOOD_LINES, make_claim

S = ClaimStatus
STATUSES = [s.value for s in ClaimStatus]

# action -> [(from statuses, who, to)] — the table of DESIGN.md, written again by hand.
TABLE: dict[str, list[tuple[set[str], str, str]]] = {
    "submit": [({S.DRAFT, S.RETURNED}, "manager", S.SUBMITTED)],
    "confirm": [({S.SUBMITTED}, "prefecture", S.UNDER_REVIEW)],
    "return": [({S.SUBMITTED}, "prefecture", S.RETURNED), ({S.UNDER_REVIEW}, "ministry", S.RETURNED)],
    "approve": [({S.UNDER_REVIEW}, "ministry", S.APPROVED)],
    "reject": [({S.UNDER_REVIEW}, "ministry", S.REJECTED)],
    "withdraw": [({S.DRAFT, S.SUBMITTED, S.RETURNED}, "manager", S.WITHDRAWN)],
    "report": [({S.APPROVED}, "manager", S.REPORTED)],
    "fix": [({S.REPORTED}, "ministry", S.FIXED)],
    "pay": [({S.FIXED}, "payer", S.PAID)],
}

# The claim is 長野県小布施町's, under 総務省's standardization subsidy; soumu-official fixed it (where fixed).
ROLES = {
    "obuse-staff": {"applicant"},
    "obuse-manager": {"applicant", "manager"},
    "saku-staff": set(),
    "saku-manager": set(),
    "chizu-staff": set(),
    "nagano-pref-staff": {"prefecture", "reader"},
    "tottori-pref-staff": set(),
    "soumu-official": {"ministry", "reader"},
    "soumu-payer": {"ministry", "reader"},
    "cao-official": {"reader"},
    "vendor-demo": set(),
}


def expected(action: str, status: str, username: str) -> tuple[int, str | None]:
    roles = set(ROLES[username])
    if "ministry" in roles and not (username == "soumu-official" and status in (S.FIXED, S.PAID)):
        roles.add("payer")  # any official of the owning ministry but the one who fixed the amount
    visible = "applicant" in roles or ("reader" in roles and status != S.DRAFT)
    if not visible:
        return 404, None
    rows = TABLE[action]
    row = next((r for r in rows if status in r[0]), None)
    if row is not None:
        return (200, row[2]) if row[1] in roles else (403, None)
    return (409, None) if any(r[1] in roles for r in rows) else (403, None)


def payload(action: str, claim: Claim) -> dict[str, Any]:
    body: dict[str, Any] = {"action": action, "comment": "内容を確認しました。"}
    if action == "approve":
        body["amount"] = claim.requested_amount
    if action == "report":
        body["actual_line_items"] = GOOD_LINES
    return body


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(TABLE))
def test_every_role_for_every_transition(action: str, status: str, programs: Any, users: Any, api: Any) -> None:
    program = programs["standardization"]
    for username in ROLES:
        api.force_authenticate(users[username])
        claim = make_claim(status, program=program, by=users["obuse-staff"], fixed_by=users["soumu-official"])
        code, target = expected(action, status, username)
        response = api.post(f"/api/v1/subsidies/claims/{claim.pk}/transitions/", payload(action, claim), format="json")
        assert response.status_code == code, (username, response.json())
        claim.refresh_from_db()
        events = ClaimEvent.objects.filter(claim=claim).exclude(action="create")
        if code == 200:
            assert response.json()["status"] == target
            assert claim.status == target
            assert events.get().actor == users[username]
        else:
            assert claim.status == status, "a refused transition changes nothing"
            assert not events.exists()
            assert response.json()["detail"]
            if code == 409:
                assert str(S(status).label) in response.json()["detail"], "the message names the current status"


def test_anonymous_gets_401_for_any_claim(programs: Any, users: Any, api: Any) -> None:
    claim = make_claim(S.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    assert api.get(f"/api/v1/subsidies/claims/{claim.pk}/").status_code == 401
    assert api.get("/api/v1/subsidies/claims/999999/").status_code == 401
    response = api.post(f"/api/v1/subsidies/claims/{claim.pk}/transitions/", {"action": "approve"}, format="json")
    assert response.status_code == 401
    claim.refresh_from_db()
    assert claim.status == S.UNDER_REVIEW


def test_prefecture_applying_for_itself_skips_confirmation(programs: Any, users: Any, api_as: Any) -> None:
    from portal.models import Organization, Role, User

    nagano = Organization.objects.get(slug="200000")
    manager = User.objects.create_user(username="nagano-pref-manager", organization=nagano, role=Role.MANAGER)
    claim = make_claim(S.DRAFT, program=programs["standardization"], applicant="200000", by=manager)
    response = api_as("nagano-pref-staff").post(
        f"/api/v1/subsidies/claims/{claim.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert response.status_code == 403, "the prefecture's staff drafts; its manager submits"
    client = api_as("nagano-pref-staff")
    client.force_authenticate(manager)
    response = client.post(f"/api/v1/subsidies/claims/{claim.pk}/transitions/", {"action": "submit"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == S.UNDER_REVIEW


def test_program_not_routed_through_prefecture_goes_straight_to_review(programs: Any, users: Any, api_as: Any) -> None:
    program = programs["digiden-type1"]
    program.routes_through_prefecture = False
    program.save()
    claim = make_claim(
        S.DRAFT,
        program=program,
        by=users["obuse-staff"],
        lines=[{"category": "1", "description": "窓口DX SaaS導入", "amount": 10_000_000}],
    )
    response = api_as("obuse-manager").post(
        f"/api/v1/subsidies/claims/{claim.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == S.UNDER_REVIEW
    # The owning ministry of a デジ田 type is 内閣府: 総務省 reads but may not approve.
    approve = {"action": "approve", "amount": 5_000_000}
    assert (
        api_as("soumu-official")
        .post(f"/api/v1/subsidies/claims/{claim.pk}/transitions/", approve, format="json")
        .status_code
        == 403
    )
    assert (
        api_as("cao-official")
        .post(f"/api/v1/subsidies/claims/{claim.pk}/transitions/", approve, format="json")
        .status_code
        == 200
    )


def test_a_claims_history_cannot_be_rewritten(programs: Any, users: Any) -> None:
    from django.core.exceptions import ValidationError

    claim = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-manager"])
    event = claim.events.last()
    assert event is not None
    event.comment = "書き換え"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert ClaimEvent.objects.get(pk=event.pk).comment != "書き換え"
