"""Fixtures of the subsidies tests: the programs as seeded, open for submission today, and claims in any state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from portal.japanese import fiscal_year
from portal.models import Organization
from subsidies.models import Claim, ClaimEvent, ClaimStatus, LineItem, OrganizationCap, Program, ProgramBudget
from subsidies.programs import load_programs

OBUSE = "205419"  # 長野県小布施町
SAKU = "202177"  # 長野県佐久市
NAGANO = "200000"
CAP = 300_000_000
BUDGET = 10_000_000_000


def this_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


@pytest.fixture
def programs(db: Any) -> dict[str, Program]:
    """The seeded programs, accepting claims today, with a budget this fiscal year and demo caps for 長野県の町村."""
    loaded = {p.code: p for p in load_programs()}
    today = timezone.localdate()
    fy = this_fiscal_year()
    for program in loaded.values():
        program.acceptance_from = today - dt.timedelta(days=30)
        program.acceptance_until = today + dt.timedelta(days=30)
        program.save()
        ProgramBudget.objects.update_or_create(
            program=program, fiscal_year=fy, defaults={"budget": BUDGET, "reserved": 0}
        )
    standardization = loaded["standardization"]
    for code in (OBUSE, SAKU, NAGANO):
        OrganizationCap.objects.update_or_create(
            program=standardization,
            organization=Organization.objects.get(slug=code),
            defaults={"cap": CAP, "granted": 0},
        )
    return loaded


GOOD_LINES = [
    {
        "category": "A",
        "description": "標準仕様書とのFit&Gap分析業務委託",
        "vendor": "信州コンサルティング",
        "amount": 3_300_000,
    },
    {
        "category": "B",
        "description": "住民記録データの移行・外字同定",
        "vendor": "長野情報システム",
        "amount": 5_456_789,
    },
    {"category": "D", "description": "標準準拠システムの操作研修", "vendor": "長野情報システム", "amount": 1_200_000},
]
TRAVEL_LINE = {"category": "D", "description": "職員の旅費（研修参加）", "vendor": "", "amount": 48_000}


def make_claim(
    status: str,
    *,
    program: Program,
    applicant: str = OBUSE,
    by: Any,
    fixed_by: Any = None,
    lines: list[dict[str, Any]] | None = None,
) -> Claim:
    """A claim put directly in `status`, with the amounts and money reservations that status implies."""
    org = Organization.objects.get(slug=applicant)
    lines = GOOD_LINES if lines is None else lines
    total = sum(line["amount"] for line in lines)
    requested = (total * program.rate_numerator // program.rate_denominator) // 1000 * 1000
    claim = Claim.objects.create(
        applicant=org,
        program=program,
        fiscal_year=this_fiscal_year(),
        title="基幹業務システム標準化移行事業",
        status=status,
        eligible_total=total,
        requested_amount=requested,
        created_by=by,
        submitted_at=None if status == ClaimStatus.DRAFT else timezone.now(),
    )
    LineItem.objects.bulk_create(LineItem(claim=claim, position=i, **line) for i, line in enumerate(lines))
    if status in (ClaimStatus.APPROVED, ClaimStatus.REPORTED, ClaimStatus.FIXED, ClaimStatus.PAID):
        claim.decided_amount = requested
        ProgramBudget.objects.filter(program=program, fiscal_year=claim.fiscal_year).update(reserved=requested)
        OrganizationCap.objects.filter(program=program, organization=org).update(granted=requested)
    if status in (ClaimStatus.REPORTED, ClaimStatus.FIXED, ClaimStatus.PAID):
        claim.actual_total = total
        for i, line in enumerate(lines):
            claim.actual_line_items.create(position=i, **line)
    if status in (ClaimStatus.FIXED, ClaimStatus.PAID):
        claim.fixed_amount = requested
        claim.fixed_by = fixed_by
    claim.save()
    ClaimEvent.objects.create(claim=claim, actor=by, action="create", to_status=ClaimStatus.DRAFT)
    return claim
