"""`claim_transition`: one step of the workflow table, with its money, history, audit and e-mail."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.audit import audit_record, audit_snapshot
from portal.japanese import fiscal_year as fiscal_year_of
from portal.models import OrganizationKind

from .. import money, selectors, workflow
from ..checks import line_problems, matchers_for, validate_lines
from ..errors import ClaimConflict, ClaimInvalid
from ..models import (
    ActualLineItem,
    Claim,
    ClaimEvent,
    ClaimStatus,
    DocumentSequence,
    OrganizationCap,
    ProgramBudget,
)
from ..tasks import notify_claim_event
from .claims import SNAPSHOT_FIELDS


def _status_label(status: str) -> str:
    return str(ClaimStatus(status).label)


def claim_transition(
    *,
    claim: Claim,
    actor: Any,
    action: str,
    comment: str = "",
    amount: Any = None,
    actual_line_items: Iterable[Mapping[str, Any]] | None = None,
) -> Claim:
    """Take one step of the workflow table on `claim` as `actor`.

    Atomic: the claim row is locked, then (approve, fix) the fiscal-year budget row, then the organization's cap
    row — always in that order. The claim, its history row and the audit entry are written together; the e-mail
    to the next actors is sent after commit. Refusals change nothing:
    PermissionDenied (403) for an actor the table does not name, ClaimConflict (409) for a status the table does
    not allow, a closed acceptance period or a budget/cap that would be overdrawn, ClaimInvalid (400) for
    unresolved line problems, a missing or too large amount, or bad actual lines.
    The caller has made sure the actor may see the claim (others get 404 before they get here).
    """
    if action not in workflow.ACTIONS:
        raise ClaimInvalid(
            _("操作「%(action)s」はありません。") % {"action": action},
            {"action": [_("次のいずれかを指定してください：%(list)s") % {"list": ", ".join(workflow.ACTIONS)}]},
        )
    comment = (comment or "").strip()
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("program", "program__owner", "applicant")
            .get(pk=claim.pk)
        )
        policy.require(actor, "subsidies.transition", (claim, action))
        step = workflow.step_from(action, claim.status)
        if step is None:
            raise ClaimConflict(
                _("現在の状態「%(status)s」の申請には「%(action)s」を行えません。")
                % {"status": _status_label(claim.status), "action": workflow.ACTION_DONE[action]}
            )
        if step.comment_required and not comment:
            raise ClaimInvalid(
                _("理由をコメントに書いてください。"), {"comment": [_("差戻し・不交付には理由が必要です。")]}
            )
        before = audit_snapshot(claim, SNAPSHOT_FIELDS)
        from_status = claim.status
        target = workflow.target_status(
            step,
            routes_through_prefecture=claim.program.routes_through_prefecture,
            applicant_is_prefecture=claim.applicant.kind == OrganizationKind.PREFECTURE,
        )
        event_amount = _HANDLERS.get(action, _nothing)(claim, actor, amount, actual_line_items)
        claim.status = target
        claim.version += 1
        claim.save()
        event = ClaimEvent.objects.create(
            claim=claim,
            actor=actor,
            actor_organization=actor.organization,
            action=action,
            from_status=from_status,
            to_status=target,
            comment=comment,
            amount=event_amount,
        )
        audit_record(
            actor=actor,
            target=claim,
            action=f"claim.{action}",
            before=before,
            after=audit_snapshot(claim, SNAPSHOT_FIELDS),
            comment=comment,
        )
        transaction.on_commit(lambda: notify_claim_event.delay(event.pk))
    return claim


def _nothing(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    return None


def _submit(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    program = claim.program
    today = timezone.localdate()
    if not program.acceptance_from <= today <= program.acceptance_until:
        raise ClaimConflict(
            _("受付期間（%(start)s〜%(end)s）外のため提出できません。")
            % {"start": program.acceptance_from.isoformat(), "end": program.acceptance_until.isoformat()}
        )
    lines = list(claim.line_items.order_by("position", "pk"))
    if not lines:
        raise ClaimInvalid(_("明細が1行もありません。"), {"line_items": [_("経費の明細を入力してください。")]})
    matchers = matchers_for(program)
    errors: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        problems = line_problems(
            matchers, category=line.category, description=line.description, justification=line.justification
        )
        unresolved = [p["message"] for p in problems if not p["resolved"]]
        if unresolved:
            errors[f"line_items[{index}].description"] = [
                _("%(n)d行目「%(d)s」：%(m)s（明細を直すか、補助対象とする理由を書いてください）")
                % {"n": index + 1, "d": line.description, "m": message}
                for message in unresolved
            ]
    if errors:
        raise ClaimInvalid(_("未解決の指摘がある明細があるため提出できません。"), errors)
    totals = selectors.claim_totals(program, claim.applicant, [_line_dict(x) for x in lines])
    if totals.requested_amount <= 0:
        raise ClaimInvalid(_("申請額が0円です。補助上限額の残額と明細を確認してください。"), {"line_items": []})
    claim.eligible_total = totals.eligible_total
    claim.requested_amount = totals.requested_amount
    if claim.submitted_at is None or claim.status == ClaimStatus.RETURNED:
        claim.submitted_at = timezone.now()
    return claim.requested_amount


def _line_dict(line: Any) -> dict[str, Any]:
    return {
        "category": line.category,
        "description": line.description,
        "amount": line.amount,
        "justification": line.justification,
    }


def _lock_money(claim: Claim) -> tuple[ProgramBudget, OrganizationCap | None]:
    """Lock the fiscal-year budget row, then the organization's cap row (the one order everyone uses)."""
    budget = (
        ProgramBudget.objects.select_for_update().filter(program=claim.program, fiscal_year=claim.fiscal_year).first()
    )
    if budget is None:
        raise ClaimConflict(_("%(fy)d年度の予算が登録されていないため交付決定できません。") % {"fy": claim.fiscal_year})
    cap = None
    if claim.program.uses_organization_caps:
        cap = (
            OrganizationCap.objects.select_for_update()
            .filter(program=claim.program, organization=claim.applicant)
            .first()
        )
        if cap is None:
            raise ClaimConflict(_("申請団体の補助上限額が登録されていないため交付決定できません。"))
    return budget, cap


def _approve(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    if amount is None or amount == "":
        raise ClaimInvalid(_("交付決定額を入力してください。"), {"amount": [_("交付決定額（円）が必要です。")]})
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ClaimInvalid(_("交付決定額は円単位の整数です。"), {"amount": [_("円単位の整数で入力してください。")]})
    if amount <= 0:
        raise ClaimInvalid(_("交付決定額は1円以上です。"), {"amount": [_("1円以上にしてください。")]})
    if amount > claim.requested_amount:
        raise ClaimInvalid(
            _("交付決定額は申請額（%(requested)s円）以下にしてください。")
            % {"requested": f"{claim.requested_amount:,}"},
            {"amount": [_("申請額を超えています。")]},
        )
    budget, cap = _lock_money(claim)
    if amount > budget.remaining:
        raise ClaimConflict(
            _("%(fy)d年度の予算の残額（%(remaining)s円）を超えるため交付決定できません。")
            % {"fy": claim.fiscal_year, "remaining": f"{budget.remaining:,}"}
        )
    if cap is not None and amount > cap.remaining:
        raise ClaimConflict(
            _("申請団体の補助上限額の残額（%(remaining)s円）を超えるため交付決定できません。")
            % {"remaining": f"{cap.remaining:,}"}
        )
    budget.reserved += amount
    budget.save(update_fields=["reserved"])
    if cap is not None:
        cap.granted += amount
        cap.save(update_fields=["granted"])
    now = timezone.now()
    claim.decided_amount = amount
    claim.decided_by = actor
    claim.decided_at = now
    claim.decision_number = _next_decision_number(fiscal_year_of(timezone.localdate(now)))
    return amount


def _next_decision_number(fiscal_year: int) -> str:
    """The portal's own running number of decision notices for a fiscal year, e.g. R7デジ補第000123号."""
    sequence, _created = DocumentSequence.objects.get_or_create(key=f"decision-{fiscal_year}")
    sequence = DocumentSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"R{fiscal_year - 2018}デジ補第{sequence.last:06d}号"


def _report(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    if not actual:
        raise ClaimInvalid(
            _("実績の明細を入力してください。"), {"actual_line_items": [_("実績の明細が1行以上必要です。")]}
        )
    lines, errors = validate_lines(claim.program, actual, field="actual_line_items")
    if errors:
        raise ClaimInvalid(_("実績の明細に誤りがあります。"), errors)
    matchers = matchers_for(claim.program)
    for index, line in enumerate(lines):
        problems = line_problems(
            matchers, category=line["category"], description=line["description"], justification=line["justification"]
        )
        unresolved = [p["message"] for p in problems if not p["resolved"]]
        if unresolved:
            errors[f"actual_line_items[{index}].description"] = unresolved
    if errors:
        raise ClaimInvalid(_("未解決の指摘がある実績の明細があります。"), errors)
    claim.actual_line_items.all().delete()
    ActualLineItem.objects.bulk_create(
        ActualLineItem(claim=claim, position=index, **line) for index, line in enumerate(lines)
    )
    claim.actual_total = sum(line["amount"] for line in lines)
    return claim.actual_total


def _fix(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    program = claim.program
    decided = claim.decided_amount or 0
    fixed = money.fixed_amount(
        decided=decided,
        actual_total=claim.actual_total or 0,
        rate=program.rate,
        rounding_unit=program.rounding_unit,
        cap=program.cap,
        cap_basis=program.cap_basis,
    )
    returned = decided - fixed
    if returned:
        budget, cap = _lock_money(claim)
        budget.reserved -= returned
        budget.save(update_fields=["reserved"])
        if cap is not None:
            cap.granted -= returned
            cap.save(update_fields=["granted"])
    claim.fixed_amount = fixed
    claim.fixed_by = actor
    claim.fixed_at = timezone.now()
    return fixed


def _pay(claim: Claim, actor: Any, amount: Any, actual: Any) -> int | None:
    claim.paid_at = timezone.now()
    return claim.fixed_amount


_HANDLERS = {"submit": _submit, "approve": _approve, "report": _report, "fix": _fix, "pay": _pay}
