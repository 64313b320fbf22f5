"""The claim services: money reserved and given back, refusals that change nothing, history and e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.audit import audit_history
from portal.models import Organization
from subsidies import services
from subsidies.errors import ClaimConflict, ClaimInvalid
from subsidies.models import ClaimStatus, OrganizationCap, ProgramBudget
from tests.subsidies.conftest import CAP, GOOD_LINES, OBUSE, TRAVEL_LINE, make_claim, this_fiscal_year

S = ClaimStatus


def budget_of(program: Any) -> ProgramBudget:
    return ProgramBudget.objects.get(program=program, fiscal_year=this_fiscal_year())


def cap_of(program: Any) -> OrganizationCap:
    return OrganizationCap.objects.get(program=program, organization__slug=OBUSE)


def test_the_whole_journey_reserves_and_returns_money(
    programs: Any, users: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    program = programs["standardization"]
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_create(
            actor=users["obuse-staff"],
            program=program,
            fiscal_year=this_fiscal_year(),
            title="基幹業務システム標準化移行",
            line_items=[*GOOD_LINES, TRAVEL_LINE],
        )
        assert claim.eligible_total == 9_956_789 + 48_000
        with pytest.raises(ClaimInvalid) as refused:
            services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit")
        assert "line_items[3].description" in refused.value.errors
        assert "職員の旅費" in refused.value.errors["line_items[3].description"][0]
        claim = services.claim_update(
            claim=claim, actor=users["obuse-staff"], version=claim.version, line_items=GOOD_LINES
        )
        assert claim.requested_amount == 9_956_000  # 9,956,789 × 10/10, rounded down to the thousand
        claim = services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit")
        claim = services.claim_transition(claim=claim, actor=users["nagano-pref-staff"], action="confirm")
        claim = services.claim_transition(
            claim=claim, actor=users["soumu-official"], action="return", comment="見積書を添付してください。"
        )
        claim = services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit")
        assert claim.status == S.SUBMITTED
        claim = services.claim_transition(claim=claim, actor=users["nagano-pref-staff"], action="confirm")
        claim = services.claim_transition(
            claim=claim, actor=users["soumu-official"], action="approve", amount=9_000_000
        )
    assert claim.status == S.APPROVED
    assert claim.decision_number.startswith(f"R{this_fiscal_year() - 2018}デジ補第")
    assert budget_of(program).reserved == 9_000_000
    assert cap_of(program).granted == 9_000_000
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_transition(
            claim=claim, actor=users["obuse-manager"], action="report", actual_line_items=GOOD_LINES[:2]
        )
        claim = services.claim_transition(claim=claim, actor=users["soumu-official"], action="fix")
    # actual 8,756,789 × 10/10 → 8,756,000 < decided 9,000,000: the 244,000 difference goes back
    assert claim.fixed_amount == 8_756_000
    assert budget_of(program).reserved == 8_756_000
    assert cap_of(program).granted == 8_756_000
    with pytest.raises(PermissionDenied, match="別の職員"):
        services.claim_transition(claim=claim, actor=users["soumu-official"], action="pay")
    claim = services.claim_transition(claim=claim, actor=users["soumu-payer"], action="pay")
    assert claim.status == S.PAID
    actions = [e.action for e in claim.events.order_by("at", "pk")]
    assert actions == ["create", "submit", "confirm", "return", "submit", "confirm", "approve", "report", "fix", "pay"]
    audit = list(audit_history(claim).values_list("action", flat=True))
    assert audit.count("claim.submit") == 2 and "claim.approve" in audit and "claim.edit" in audit
    # the next actors were told: the prefecture after submit, the ministry after confirm, the applicant after approve
    recipients = [m.to[0] for m in mailoutbox]
    assert "nagano-pref-staff@demo.example.lg.jp" in recipients
    assert "soumu-payer@demo.example.lg.jp" in recipients
    assert "obuse-manager@demo.example.lg.jp" in recipients
    assert all(not m.to[0].startswith("saku") for m in mailoutbox)


def test_submit_outside_the_acceptance_period_is_409(programs: Any, users: Any) -> None:
    program = programs["standardization"]
    claim = make_claim(S.DRAFT, program=program, by=users["obuse-staff"])
    program.acceptance_until = timezone.localdate() - dt.timedelta(days=1)
    program.save()
    with pytest.raises(ClaimConflict, match="受付期間"):
        services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit")
    claim.refresh_from_db()
    assert claim.status == S.DRAFT
    program.acceptance_from = timezone.localdate() + dt.timedelta(days=1)
    program.acceptance_until = timezone.localdate() + dt.timedelta(days=60)
    program.save()
    with pytest.raises(ClaimConflict):
        services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit")
    program.acceptance_from = timezone.localdate()
    program.save()
    assert services.claim_transition(claim=claim, actor=users["obuse-manager"], action="submit").status == S.SUBMITTED


@pytest.mark.parametrize(("amount", "error"), [(None, ClaimInvalid), (0, ClaimInvalid), (-1, ClaimInvalid)])
def test_approve_needs_a_positive_amount(programs: Any, users: Any, amount: Any, error: Any) -> None:
    claim = make_claim(S.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    with pytest.raises(error):
        services.claim_transition(claim=claim, actor=users["soumu-official"], action="approve", amount=amount)


def test_approve_at_most_the_requested_amount(programs: Any, users: Any) -> None:
    program = programs["standardization"]
    claim = make_claim(S.UNDER_REVIEW, program=program, by=users["obuse-staff"])
    with pytest.raises(ClaimInvalid, match="申請額"):
        services.claim_transition(
            claim=claim, actor=users["soumu-official"], action="approve", amount=claim.requested_amount + 1
        )
    assert budget_of(program).reserved == 0
    claim = services.claim_transition(
        claim=claim, actor=users["soumu-official"], action="approve", amount=claim.requested_amount
    )
    assert claim.decided_amount == claim.requested_amount


@pytest.mark.parametrize(("room", "allowed"), [(-1, False), (0, True), (1, True)])
def test_budget_boundary(programs: Any, users: Any, room: int, allowed: bool) -> None:
    """The budget left is one yen under, exactly at, or one yen over the amount being decided."""
    program = programs["standardization"]
    claim = make_claim(S.UNDER_REVIEW, program=program, by=users["obuse-staff"])
    amount = claim.requested_amount
    ProgramBudget.objects.filter(pk=budget_of(program).pk).update(
        budget=1_000_000_000, reserved=1_000_000_000 - amount - room
    )
    before = budget_of(program).reserved
    if allowed:
        services.claim_transition(claim=claim, actor=users["soumu-official"], action="approve", amount=amount)
        assert budget_of(program).remaining == room
    else:
        with pytest.raises(ClaimConflict, match="予算の残額"):
            services.claim_transition(claim=claim, actor=users["soumu-official"], action="approve", amount=amount)
        assert budget_of(program).reserved == before
        claim.refresh_from_db()
        assert claim.status == S.UNDER_REVIEW and claim.decision_number == ""


@pytest.mark.parametrize(("room", "allowed"), [(-1, False), (0, True), (1, True)])
def test_cap_boundary(programs: Any, users: Any, room: int, allowed: bool) -> None:
    program = programs["standardization"]
    claim = make_claim(S.UNDER_REVIEW, program=program, by=users["obuse-staff"])
    amount = claim.requested_amount
    OrganizationCap.objects.filter(pk=cap_of(program).pk).update(granted=CAP - amount - room)
    if allowed:
        services.claim_transition(claim=claim, actor=users["soumu-official"], action="approve", amount=amount)
        assert cap_of(program).remaining == room
    else:
        with pytest.raises(ClaimConflict, match="補助上限額の残額"):
            services.claim_transition(claim=claim, actor=users["soumu-official"], action="approve", amount=amount)
        assert budget_of(program).reserved == 0
        assert cap_of(program).granted == CAP - amount + 1


def test_requested_amount_is_limited_by_the_remaining_cap(programs: Any, users: Any) -> None:
    program = programs["standardization"]
    OrganizationCap.objects.filter(pk=cap_of(program).pk).update(cap=5_000_500, granted=0)
    claim = services.claim_create(
        actor=users["obuse-staff"], program=program, fiscal_year=this_fiscal_year(), title="移行", line_items=GOOD_LINES
    )
    assert claim.eligible_total == 9_956_789
    assert claim.requested_amount == 5_000_500


def test_two_people_saving_one_draft_second_is_a_conflict(programs: Any, users: Any) -> None:
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    read = claim.version
    services.claim_update(claim=claim, actor=users["obuse-staff"], version=read, title="佐藤さんの保存")
    with pytest.raises(ClaimConflict, match="先に保存"):
        services.claim_update(claim=claim, actor=users["obuse-manager"], version=read, title="鈴木さんの保存")
    claim.refresh_from_db()
    assert claim.title == "佐藤さんの保存"
    assert claim.version == read + 1


def test_only_draft_and_returned_claims_are_editable(programs: Any, users: Any) -> None:
    claim = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    with pytest.raises(ClaimConflict, match="編集できません"):
        services.claim_update(claim=claim, actor=users["obuse-staff"], version=claim.version, title="変更")
    with pytest.raises(PermissionDenied):
        services.claim_update(claim=claim, actor=users["nagano-pref-staff"], version=claim.version, title="変更")


def test_bad_lines_change_nothing(programs: Any, users: Any) -> None:
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    with pytest.raises(ClaimInvalid) as refused:
        services.claim_update(
            claim=claim,
            actor=users["obuse-staff"],
            version=claim.version,
            line_items=[
                {"category": "A", "description": "調査", "amount": 1000},
                {"category": "X", "description": "?", "amount": -5},
            ],
        )
    assert set(refused.value.errors) == {"line_items[1].category", "line_items[1].amount"}
    claim.refresh_from_db()
    assert claim.line_items.count() == len(GOOD_LINES)


def test_a_vendor_or_official_cannot_create_claims(programs: Any, users: Any) -> None:
    for username in ("vendor-demo", "soumu-official"):
        with pytest.raises(PermissionDenied):
            services.claim_create(
                actor=users[username], program=programs["standardization"], fiscal_year=this_fiscal_year(), title="x"
            )


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_attachments_are_checked_by_content(programs: Any, users: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    pdf = services.attachment_add(
        claim=claim, actor=users["obuse-staff"], upload=_upload("見積書.pdf", b"%PDF-1.7\n...")
    )
    assert pdf.content_type == "application/pdf"
    assert pdf.original_name == "見積書.pdf"
    assert "見積書" not in pdf.file.name  # stored under a random name
    with pytest.raises(ClaimInvalid, match="一致しません"):
        services.attachment_add(claim=claim, actor=users["obuse-staff"], upload=_upload("quote.pdf", b"MZ\x90\x00 exe"))
    with pytest.raises(ClaimInvalid, match="添付できるのは"):
        services.attachment_add(claim=claim, actor=users["obuse-staff"], upload=_upload("run.exe", b"MZ"))
    with pytest.raises(ClaimInvalid, match="10MB"):
        services.attachment_add(
            claim=claim, actor=users["obuse-staff"], upload=_upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
        )
    with pytest.raises(PermissionDenied):
        services.attachment_add(claim=claim, actor=users["saku-staff"], upload=_upload("a.pdf", b"%PDF-1.4"))
    assert claim.attachments.count() == 1


def test_results_are_published_after_fixed_only(programs: Any, users: Any) -> None:
    claim = make_claim(S.APPROVED, program=programs["standardization"], by=users["obuse-staff"])
    with pytest.raises(PermissionDenied, match="額の確定後"):
        services.result_publish(claim=claim, actor=users["obuse-staff"], implementation_status="実施中", effects="—")
    claim = make_claim(S.FIXED, program=programs["standardization"], by=users["obuse-staff"])
    result = services.result_publish(
        claim=claim,
        actor=users["obuse-staff"],
        implementation_status="20業務を移行済み",
        effects="窓口の待ち時間が短縮",
    )
    assert result.published and result.published_at is not None


def test_digiden_plan_cannot_leave_madoguchi_saas_after_selection(programs: Any, users: Any) -> None:
    program = programs["digiden-type1"]
    lines = [{"category": "1", "description": "窓口DX SaaS導入", "amount": 10_000_000}]
    claim = make_claim(S.DRAFT, program=program, by=users["obuse-staff"], lines=lines)
    plan = services.digiden_plan_save(
        claim=claim, actor=users["obuse-staff"], uses_madoguchi_saas=True, bpr_route="advisor_dispatch"
    )
    assert plan.uses_madoguchi_saas
    claim.status = S.APPROVED
    claim.save()
    with pytest.raises(ClaimConflict, match="窓口DX SaaS"):
        services.digiden_plan_save(
            claim=claim, actor=users["obuse-staff"], uses_madoguchi_saas=False, bpr_route="other"
        )
    plan.refresh_from_db()
    assert plan.uses_madoguchi_saas and plan.bpr_route == "advisor_dispatch"
    # staying with 窓口DX SaaS is fine
    services.digiden_plan_save(
        claim=claim,
        actor=users["obuse-staff"],
        uses_madoguchi_saas=True,
        bpr_route="advisor_dispatch",
        service_name="窓口DX SaaS A",
    )


def test_decision_numbers_run_on(programs: Any, users: Any) -> None:
    program = programs["standardization"]
    numbers = []
    for applicant in (OBUSE, "202177"):
        claim = make_claim(S.UNDER_REVIEW, program=program, applicant=applicant, by=users["obuse-staff"])
        claim = services.claim_transition(
            claim=claim, actor=users["soumu-official"], action="approve", amount=claim.requested_amount
        )
        numbers.append(claim.decision_number)
    first, second = (int(n.split("第")[1].rstrip("号")) for n in numbers)
    assert second == first + 1
    assert Organization.objects.get(slug="202177").subsidy_claims.get().decided_amount is not None
