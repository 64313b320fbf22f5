"""The history of the national-scale claims (subsidies/demo_national.py): who did each step of the workflow and
when, and the decision numbers. Each step follows the workflow table (the prefecture confirms a municipality's
claim; the payer is not the fixer); no moment is later than LATEST.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from portal.models import Organization, OrganizationKind, Role, User
from portal.national import at

from .models import Claim, ClaimStatus, DocumentSequence

if TYPE_CHECKING:
    from .demo_national import Draft

S = ClaimStatus
LATEST = dt.date(2026, 11, 20)  # no generated action is later than this day


def actors(organizations: list[Organization], role: str) -> dict[int, int]:
    """A user of each organization with that role: its first active one, or a demo account (no password)."""
    found: dict[int, int] = {}
    for org_id, pk in (
        User.objects.filter(organization__in=organizations, role=role, is_active=True)
        .order_by("organization_id", "pk")
        .values_list("organization_id", "pk")
    ):
        found.setdefault(org_id, pk)
    unusable = make_password(None)
    missing = [
        User(
            username=f"demo-{org.slug}-{role}",
            organization=org,
            role=role,
            full_name=f"{org.name} {'管理者' if role == Role.MANAGER else '担当'}（デモ）",
            email=f"demo-{org.slug}-{role}@demo.example.lg.jp",
            password=unusable,
        )
        for org in organizations
        if org.pk not in found
    ]
    for user in User.objects.bulk_create(missing, batch_size=2000):
        found[user.organization_id] = user.pk  # type: ignore[index]
    return found


class Timeline:
    """The moments of one claim's history, in order, none after LATEST."""

    def __init__(self, rng: random.Random, fiscal_year: int) -> None:
        self.rng = rng
        self.day = dt.date(fiscal_year, 4, 1) + dt.timedelta(days=rng.randrange(120))
        self.minute = 0

    def next(self, low: int, high: int) -> dt.datetime:
        self.day = min(LATEST, self.day + dt.timedelta(days=self.rng.randint(low, high)))
        self.minute += 1  # same-day steps keep their order
        return at(self.day, 9 + self.minute // 60 % 8, self.minute % 60)


def claim_history(
    draft: Draft, rng: random.Random, people: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """The events of a claim (action, from, to, actor, organization, amount, at) and its dated columns."""
    clock = Timeline(rng, draft.fiscal_year)
    applicant = draft.applicant
    manager = people["managers"][applicant.pk]
    ministry = people["ministry"][draft.program.owner_id]
    events: list[tuple[Any, ...]] = []
    dates: dict[str, Any] = {"created_at": clock.next(0, 0)}

    def event(action: str, source: str, target: str, actor: int, org: int | None, amount: int | None = None) -> None:
        moment = dates["created_at"] if action == "create" else clock.next(*GAPS[action])
        events.append((action, source, target, actor, org, amount, moment))

    event("create", "", S.DRAFT, manager, applicant.pk)
    if draft.status == S.DRAFT:
        return events, dates
    if draft.status == S.WITHDRAWN:
        event("withdraw", S.DRAFT, S.WITHDRAWN, manager, applicant.pk)
        return events, dates
    via_prefecture = applicant.kind == OrganizationKind.MUNICIPALITY and draft.program.routes_through_prefecture
    event("submit", S.DRAFT, S.SUBMITTED if via_prefecture else S.UNDER_REVIEW, manager, applicant.pk)
    dates["submitted_at"] = events[-1][-1]
    if draft.status == S.SUBMITTED:
        return events, dates
    if via_prefecture:
        prefecture = applicant.prefecture_id
        event("confirm", S.SUBMITTED, S.UNDER_REVIEW, people["prefectures"][prefecture], prefecture)
    official, payer, owner = ministry
    if draft.status == S.UNDER_REVIEW:
        return events, dates
    if draft.status in (S.RETURNED, S.REJECTED):
        action = "return" if draft.status == S.RETURNED else "reject"
        event(action, S.UNDER_REVIEW, draft.status, official, owner)
        return events, dates
    event("approve", S.UNDER_REVIEW, S.APPROVED, official, owner, draft.decided)
    dates["decided_at"] = events[-1][-1]
    if draft.status == S.APPROVED:
        return events, dates
    event("report", S.APPROVED, S.REPORTED, manager, applicant.pk, sum(line[3] for line in draft.actual))
    if draft.status == S.REPORTED:
        return events, dates
    event("fix", S.REPORTED, S.FIXED, official, owner, draft.fixed)
    dates["fixed_at"] = events[-1][-1]
    if draft.status == S.FIXED:
        return events, dates
    event("pay", S.FIXED, S.PAID, payer, owner, draft.fixed)
    dates["paid_at"] = events[-1][-1]
    return events, dates


# Days between the steps of a claim (low, high).
GAPS = {
    "withdraw": (5, 40),
    "submit": (5, 30),
    "confirm": (2, 14),
    "return": (10, 45),
    "reject": (10, 60),
    "approve": (10, 60),
    "report": (90, 240),
    "fix": (10, 40),
    "pay": (5, 20),
}
COMMENTS = {
    "submit": "よろしくお願いします。",
    "confirm": "内容を確認しました。",
    "return": "見積書の内訳を添付してください。",
    "reject": "補助対象経費にあたらない経費が大半を占めるため不交付とします。",
    "approve": "交付を決定します。",
    "withdraw": "事業計画を見直すため取り下げます。",
    "report": "事業が完了しました。",
    "fix": "実績報告を確認し、額を確定します。",
    "pay": "支払を完了しました。",
}


def claim_people(drafts: list[Draft]) -> dict[str, Any]:
    from .demo import ministry_actors  # the same official and payer as the demo stories

    applicants = list({d.applicant.pk: d.applicant for d in drafts}.values())
    prefectures = list(Organization.objects.filter(kind=OrganizationKind.PREFECTURE).order_by("code"))
    owners = {d.program.owner for d in drafts}
    return {
        "managers": actors(applicants, Role.MANAGER),
        "prefectures": actors(prefectures, Role.STAFF),
        "ministry": {o.pk: (*(u.pk for u in ministry_actors(o.slug)), o.pk) for o in owners},
    }


def decision_numbers(drafts: list[Draft], decided_at: dict[int, dt.datetime]) -> dict[int, str]:
    """The portal's running numbers per fiscal year of decision, after those already given; sequences updated."""
    numbers: dict[int, str] = {}
    by_year: dict[int, list[int]] = defaultdict(list)
    for draft in drafts:
        if draft.pk in decided_at:
            moment = decided_at[draft.pk]
            by_year[moment.year - (moment.month < 4)].append(draft.pk)
    for year, pks in sorted(by_year.items()):
        prefix = f"R{year - 2018}デジ補第"
        given = (
            Claim.objects.filter(decision_number__startswith=prefix)
            .order_by("-decision_number")
            .values_list("decision_number", flat=True)
            .first()
        )
        last = int(given[len(prefix) : -1]) if given else 0
        for offset, pk in enumerate(sorted(pks, key=lambda p: (decided_at[p], p)), start=1):
            numbers[pk] = f"{prefix}{last + offset:06d}号"
        sequence, _created = DocumentSequence.objects.get_or_create(key=f"decision-{year}")
        DocumentSequence.objects.filter(pk=sequence.pk, last__lt=last + len(pks)).update(last=last + len(pks))
    return numbers
