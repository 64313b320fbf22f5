"""seed_demo's subsidies part: claims in every state, made through the services, re-runnable."""

from __future__ import annotations

from typing import Any

from subsidies import demo
from subsidies.models import Claim, ClaimStatus, OrganizationCap, ProgramBudget


def test_demo_has_every_state_and_consistent_money(db: Any) -> None:
    demo.seed(scale="demo")
    first = sorted(Claim.objects.filter(is_demo=True).values_list("title", "status", "requested_amount"))
    demo.seed(scale="demo")
    claims = Claim.objects.filter(is_demo=True)
    assert sorted(claims.values_list("title", "status", "requested_amount")) == first  # deterministic, re-runnable
    assert set(claims.values_list("status", flat=True)) == set(ClaimStatus.values)
    prefectures = {c.applicant.prefecture_code for c in claims.select_related("applicant")}
    assert {"20", "31", "22"} <= prefectures
    # timelines are real: every non-draft claim has the events of its path
    paid = claims.get(status=ClaimStatus.PAID)
    assert [e.action for e in paid.events.order_by("at", "pk")] == [
        "create",
        "submit",
        "confirm",
        "approve",
        "report",
        "fix",
        "pay",
    ]
    assert paid.result.published
    budget = ProgramBudget.objects.get(program__code="standardization", fiscal_year=paid.fiscal_year)
    taken = [ClaimStatus.APPROVED, ClaimStatus.REPORTED, ClaimStatus.FIXED, ClaimStatus.PAID]
    expected = sum(
        (c.fixed_amount if c.fixed_amount is not None else c.decided_amount)
        for c in claims.filter(program__code="standardization", status__in=taken)
    )
    assert budget.reserved == expected
    cap = OrganizationCap.objects.get(program__code="standardization", organization__slug="205419")
    assert cap.granted == paid.fixed_amount and cap.is_demo
