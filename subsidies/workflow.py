"""The claim workflow as data (DESIGN.md "subsidies"): action, from, to, who.

The service (`services.claim_transition`) and the pages (the buttons shown) both read this table; who may act is
a predicate named here and defined in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import ClaimStatus

S = ClaimStatus


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    who: str  # a predicate of rules.WHO
    comment_required: bool = False


STEPS: tuple[Step, ...] = (
    Step("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "applicant_manager"),
    Step("confirm", frozenset({S.SUBMITTED}), S.UNDER_REVIEW, "applicant_prefecture"),
    Step("return", frozenset({S.SUBMITTED}), S.RETURNED, "applicant_prefecture", comment_required=True),
    Step("return", frozenset({S.UNDER_REVIEW}), S.RETURNED, "owning_ministry", comment_required=True),
    Step("approve", frozenset({S.UNDER_REVIEW}), S.APPROVED, "owning_ministry"),
    Step("reject", frozenset({S.UNDER_REVIEW}), S.REJECTED, "owning_ministry", comment_required=True),
    Step("withdraw", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN, "applicant_manager"),
    Step("report", frozenset({S.APPROVED}), S.REPORTED, "applicant_manager"),
    Step("fix", frozenset({S.REPORTED}), S.FIXED, "owning_ministry"),
    Step("pay", frozenset({S.FIXED}), S.PAID, "owning_ministry_not_fixer"),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(step.action for step in STEPS))

ACTION_LABELS = {
    "submit": _("提出する"),
    "confirm": _("確認して国へ送る（経由）"),
    "return": _("差し戻す"),
    "approve": _("交付決定する"),
    "reject": _("不交付とする"),
    "withdraw": _("取り下げる"),
    "report": _("実績を報告する"),
    "fix": _("額を確定する"),
    "pay": _("支払済みにする"),
}

# The past tense, for timelines and e-mails.
ACTION_DONE = {
    "create": _("作成"),
    "submit": _("提出"),
    "confirm": _("都道府県確認（経由）"),
    "return": _("差戻し"),
    "approve": _("交付決定"),
    "reject": _("不交付決定"),
    "withdraw": _("取下げ"),
    "report": _("実績報告"),
    "fix": _("額の確定"),
    "pay": _("支払"),
}


def steps_for(action: str) -> list[Step]:
    return [step for step in STEPS if step.action == action]


def step_from(action: str, status: str) -> Step | None:
    """The row of the table for `action` from `status`, if the table has one."""
    for step in STEPS:
        if step.action == action and status in step.sources:
            return step
    return None


def target_status(step: Step, *, routes_through_prefecture: bool, applicant_is_prefecture: bool) -> str:
    """Where a step leads: a submission skips the prefecture when the program or the applicant says so."""
    if step.action == "submit" and (not routes_through_prefecture or applicant_is_prefecture):
        return S.UNDER_REVIEW
    return step.target


# Who acts next, in words, for the claim page.
NEXT_STEP: dict[str, Any] = {
    S.DRAFT: _("申請団体の管理者が提出します（明細の指摘をすべて解決してから）。"),
    S.SUBMITTED: _("都道府県の職員が内容を確認し、国へ送るか差し戻します。"),
    S.UNDER_REVIEW: _("所管府省の職員が審査し、交付決定・差戻し・不交付のいずれかを行います。"),
    S.RETURNED: _("申請団体が差戻しの理由に沿って修正し、管理者が再提出します。"),
    S.APPROVED: _("事業の完了後、申請団体の管理者が実績を報告します。"),
    S.REPORTED: _("所管府省の職員が実績を確認し、額を確定します。"),
    S.FIXED: _("額を確定した職員とは別の所管府省の職員が支払います。申請団体は実施状況・効果を公表します。"),
    S.PAID: _("手続は完了しました。"),
    S.REJECTED: _("手続は終了しました（不交付）。"),
    S.WITHDRAWN: _("手続は終了しました（取下げ）。"),
}
