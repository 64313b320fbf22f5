"""Twenty officials approving at the same moment never take the budget or a cap below zero (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection

from conftest import require_service
from portal.models import Organization, User
from subsidies import services
from subsidies.errors import ClaimConflict
from subsidies.models import Claim, ClaimStatus, OrganizationCap, ProgramBudget
from tests.subsidies.conftest import make_claim, this_fiscal_year

AMOUNT = 9_956_000  # the requested amount of each claim (conftest.GOOD_LINES)


def approve_all(claim_ids: list[int], official_ids: list[int]) -> list[str]:
    """Approve every claim at once, each from its own thread and database connection."""
    barrier = threading.Barrier(len(claim_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(claim_id: int, official_id: int) -> None:
        try:
            claim = Claim.objects.get(pk=claim_id)
            official = User.objects.get(pk=official_id)
            barrier.wait(timeout=30)
            services.claim_transition(claim=claim, actor=official, action="approve", amount=AMOUNT)
            outcome = "approved"
        except ClaimConflict:
            outcome = "conflict"
        except Exception as exc:
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=approve, args=(claim_id, official_ids[i % len(official_ids)]))
        for i, claim_id in enumerate(claim_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_never_overdraw_the_budget(programs: Any, users: Any) -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need a real database server")
    program = programs["standardization"]
    budget = ProgramBudget.objects.get(program=program, fiscal_year=this_fiscal_year())
    budget.budget = AMOUNT * 7 + AMOUNT // 2  # room for seven approvals and a half
    budget.save()
    applicants = list(Organization.objects.filter(prefecture__slug="200000").order_by("slug")[:20])
    for org in applicants:
        OrganizationCap.objects.update_or_create(
            program=program, organization=org, defaults={"cap": AMOUNT * 10, "granted": 0}
        )
    claims = [
        make_claim(ClaimStatus.UNDER_REVIEW, program=program, applicant=org.slug, by=users["obuse-staff"])
        for org in applicants
    ]
    outcomes = approve_all([c.pk for c in claims], [users["soumu-official"].pk, users["soumu-payer"].pk])

    assert sorted(outcomes) == ["approved"] * 7 + ["conflict"] * 13, outcomes
    budget.refresh_from_db()
    assert budget.reserved == AMOUNT * 7
    assert budget.remaining >= 0
    decided = Claim.objects.filter(status=ClaimStatus.APPROVED)
    assert decided.count() == 7
    assert sum(c.decided_amount for c in decided) == budget.reserved
    assert len({c.decision_number for c in decided}) == 7  # every notice has its own number


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overdraw_one_organizations_cap(programs: Any, users: Any) -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need a real database server")
    program = programs["standardization"]
    cap = OrganizationCap.objects.get(program=program, organization__slug="205419")
    cap.cap = AMOUNT * 3
    cap.save()
    claims = [make_claim(ClaimStatus.UNDER_REVIEW, program=program, by=users["obuse-staff"]) for _ in range(10)]
    outcomes = approve_all([c.pk for c in claims], [users["soumu-official"].pk, users["soumu-payer"].pk])

    assert sorted(outcomes) == ["approved"] * 3 + ["conflict"] * 7, outcomes
    cap.refresh_from_db()
    assert cap.granted == AMOUNT * 3 and cap.remaining == 0
    budget = ProgramBudget.objects.get(program=program, fiscal_year=this_fiscal_year())
    assert budget.reserved == AMOUNT * 3
