"""National-scale claims (seed_demo --scale national): 20,000 claims over five fiscal years with 200,000 line
items, every workflow state, their history, written with COPY. Deterministic from `portal.national.SEED`.

The rows keep what the services keep: totals are the sum of the lines, the requested amount is the program's
subsidy on them (rate, rounding, caps), decided ≤ requested, the fixed amount is `money.fixed_amount`, each
(program, fiscal year) budget and each organization's cap hold what the standing decisions take, and the
history walks the workflow table (the prefecture confirms a municipality's claim; the payer is not the fixer).
Audit rows are not written for generated claims. Applicants are the real local governments, except the
organizations of the hand-made demo stories (their caps are demo values of their own).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from catalog.models import BusinessArea
from portal.models import Organization, OrganizationKind
from portal.national import SEED, copy_rows, require_postgresql, reserve_ids, sizes

from . import money
from .demo_national_history import COMMENTS, claim_history, claim_people, decision_numbers
from .models import (
    ActualLineItem,
    BprRoute,
    Claim,
    ClaimEvent,
    ClaimStatus,
    DigidenPlan,
    LineItem,
    OrganizationCap,
    Program,
    ProgramBudget,
)

S = ClaimStatus
DECIDED = (S.APPROVED, S.REPORTED, S.FIXED, S.PAID)
MIN_ELIGIBLE = 1_000_000  # yen: every generated claim asks for at least a rounding unit

# The states a claim of a fiscal year is most likely in (older years are finished).
STATE_WEIGHTS = {
    2020: {S.PAID: 80, S.FIXED: 3, S.REJECTED: 8, S.WITHDRAWN: 9},
    2021: {S.PAID: 78, S.FIXED: 4, S.REJECTED: 8, S.WITHDRAWN: 10},
    2023: {S.PAID: 60, S.FIXED: 12, S.REPORTED: 8, S.REJECTED: 10, S.WITHDRAWN: 10},
    2025: {S.PAID: 15, S.FIXED: 15, S.REPORTED: 25, S.APPROVED: 25, S.REJECTED: 8, S.WITHDRAWN: 6, S.RETURNED: 6},
    2026: {S.DRAFT: 25, S.SUBMITTED: 20, S.UNDER_REVIEW: 25, S.RETURNED: 10, S.APPROVED: 15, S.WITHDRAWN: 5},
}

STANDARDIZATION_LINES = {
    "A": ["標準仕様書とのFit&Gap分析", "現行システムの調査・移行計画の策定支援", "業務の見直し支援（外部人材の活用）"],
    "B": ["外字の文字情報基盤文字への同定", "ガバメントクラウドへのデータ移行", "移行データのクレンジング"],
    "C": ["標準準拠システムの環境接続", "標準準拠システムの初期パラメータ設定"],
    "D": ["標準準拠システムの総合テスト", "標準準拠システムの操作研修"],
    "E": ["財務会計システムとの連携プログラム改修", "宛名管理システムとの接続設定"],
    "F": ["現行システム契約の早期終了に伴う追加経費"],
}
DIGIDEN_LINES = {
    "1": ["窓口DX SaaSの導入・初期設定", "電子申請サービスの導入", "オンライン施設予約サービスの導入"],
    "2": ["データ連携基盤への接続", "既存データの移行"],
    "3": ["業務改革（BPR）支援の委託", "導入効果の検証調査の委託"],
    "4": ["窓口用タブレット端末の購入", "キャッシュレス決済端末の購入"],
}
DIGIDEN_TITLES = ["書かない窓口の導入", "行政手続のオンライン化", "施設予約のオンライン化", "データ連携基盤の構築"]
VENDORS = [
    "北辰情報サービス株式会社",
    "みなと自治体ソリューションズ株式会社",
    "東和システム開発株式会社",
    "やまなみ電算株式会社",
    "くろしおデータ株式会社",
    "中央行政クラウド株式会社",
    "さざなみ情報技術株式会社",
    "ひのき総合研究所株式会社",
]


@dataclass
class Draft:
    """One generated claim before it is written."""

    pk: int
    applicant: Organization
    program: Program
    fiscal_year: int
    status: str
    title: str
    lines: list[tuple[str, str, str, int]]  # category, description, vendor, amount
    businesses: list[int]
    eligible_total: int = 0
    requested: int = 0
    decided: int | None = None
    actual: list[tuple[str, str, str, int]] = field(default_factory=list)
    fixed: int | None = None

    @property
    def taken(self) -> int:
        """What the claim holds of its budget and its applicant's cap."""
        if self.status not in DECIDED:
            return 0
        return self.fixed if self.fixed is not None else self.decided or 0


def _line_counts(rng: random.Random, claims: int, lines: int) -> list[int]:
    """How many lines each claim has: about lines/claims each, adding up to `lines` exactly."""
    mean = max(1, lines // claims)
    counts = [rng.randint(max(1, mean // 2), mean + mean // 2) for _ in range(claims)]
    index = 0
    while sum(counts) != lines:
        i = index % claims
        if sum(counts) < lines:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
        index += 1
    return counts


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` yen (a multiple of 1,000) in `parts` amounts of whole thousands, adding up exactly."""
    weights = [rng.random() + 0.2 for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(1, int(total // 1000 * w / scale)) * 1000 for w in weights]
    amounts[-1] += total - sum(amounts)
    if amounts[-1] <= 0:  # tiny totals: everything on one line, the others at 1,000円
        amounts = [1000] * (parts - 1) + [total - 1000 * (parts - 1)]
    return amounts


def _lines(
    rng: random.Random, program: Program, total: int, count: int, business: str
) -> list[tuple[str, str, str, int]]:
    pool = STANDARDIZATION_LINES if program.kind == "standardization" else DIGIDEN_LINES
    categories = sorted(pool)
    count = min(count, total // 1000)
    lines = []
    for index, amount in enumerate(_split(rng, total, count)):
        category = categories[index % len(categories)] if index < len(categories) else rng.choice(categories)
        description = f"{rng.choice(pool[category])}（{business}）" if business else rng.choice(pool[category])
        lines.append((category, description, rng.choice(VENDORS), amount))
    return lines


def _subsidy(program: Program, eligible_total: int) -> int:
    return money.subsidy_amount(
        eligible_total=eligible_total,
        rate=program.rate,
        rounding_unit=program.rounding_unit,
        cap=program.cap,
        cap_basis=program.cap_basis,
    )


def _cells(programs: list[Program], claims: int) -> list[tuple[Program, int, int]]:
    """(program, fiscal year, number of claims): 85 % standardization over its five budget years, the rest
    デジ田 over the years it has budgets for."""
    budgets = {(b.program_id, b.fiscal_year) for b in ProgramBudget.objects.all()}
    std = [p for p in programs if p.kind == "standardization"]
    other = [p for p in programs if p.kind != "standardization"]
    std_cells = [(p, fy) for p in std for fy in sorted(STATE_WEIGHTS) if (p.pk, fy) in budgets]
    other_cells = [(p, fy) for p in other for fy in sorted(STATE_WEIGHTS) if (p.pk, fy) in budgets]
    std_total = claims * 85 // 100 if other_cells else claims
    cells = [(p, fy, std_total // len(std_cells)) for p, fy in std_cells]
    cells += [(p, fy, (claims - std_total) // len(other_cells)) for p, fy in other_cells]
    left = claims - sum(n for _p, _fy, n in cells)
    cells[0] = (cells[0][0], cells[0][1], cells[0][2] + left)
    return cells


def _plan(rng: random.Random, factor: float, applicants: list[Organization]) -> list[Draft]:
    size = sizes(factor)
    programs = list(Program.objects.order_by("code"))
    businesses = list(BusinessArea.objects.filter(is_standardized=True).order_by("order", "code"))
    budgets = {(b.program_id, b.fiscal_year): b.budget - b.reserved for b in ProgramBudget.objects.all()}
    cells = _cells(programs, size.claims)
    counts = _line_counts(rng, size.claims, size.line_items)
    ids = reserve_ids(Claim, size.claims)
    weight = [max(1.0, (a.population or 100_000) ** 0.5) for a in applicants]
    drafts: list[Draft] = []
    forced = list(S)  # the first claims take every state once, so every state is present at any factor
    for program, fiscal_year, count in cells:
        # Aim at 60 % of the budget for what the cell's decisions take.
        decided_share = sum(w for s, w in STATE_WEIGHTS[fiscal_year].items() if s in DECIDED) / 100
        mean_subsidy = budgets[(program.pk, fiscal_year)] * 0.6 / max(1.0, count * decided_share)
        mean_weight = sum(weight) / len(weight)
        for _ in range(count):
            index = len(drafts)
            status = forced[index] if index < len(forced) else _status(rng, fiscal_year)
            pick = rng.choices(range(len(applicants)), weight)[0]
            while status == S.SUBMITTED and applicants[pick].kind != OrganizationKind.MUNICIPALITY:
                pick = rng.choices(range(len(applicants)), weight)[0]  # a prefecture's claim skips that state
            applicant = applicants[pick]
            target = mean_subsidy * weight[pick] / mean_weight * rng.uniform(0.3, 1.7)
            eligible = max(MIN_ELIGIBLE, 1000 * counts[index], int(target / program.rate))
            eligible = eligible // 1000 * 1000
            chosen = rng.sample(businesses, rng.randint(1, 3)) if program.kind == "standardization" else []
            label = "・".join(b.name for b in chosen)
            if program.kind == "standardization":
                title = f"標準準拠システム移行（{label}）"
            else:
                title = f"{rng.choice(DIGIDEN_TITLES)}（{program.get_kind_display()}）"
            lines = _lines(rng, program, eligible, counts[index], chosen[0].name if chosen else "")
            draft = Draft(
                pk=ids[index],
                applicant=applicant,
                program=program,
                fiscal_year=fiscal_year,
                status=status,
                title=title,
                lines=lines,
                businesses=[b.pk for b in chosen],
            )
            _money(rng, draft)
            drafts.append(draft)
    return drafts


def _status(rng: random.Random, fiscal_year: int) -> str:
    weights = STATE_WEIGHTS[fiscal_year]
    return rng.choices(list(weights), list(weights.values()))[0]


def _money(rng: random.Random, draft: Draft) -> None:
    program = draft.program
    draft.eligible_total = sum(line[3] for line in draft.lines)
    draft.requested = _subsidy(program, draft.eligible_total)
    if draft.status not in DECIDED:
        return
    draft.decided = max(1000, draft.requested * rng.randint(85, 100) // 100 // 1000 * 1000)
    if draft.status == S.APPROVED:
        return
    draft.actual = [(c, d, v, max(1000, a * rng.randint(85, 100) // 100 // 1000 * 1000)) for c, d, v, a in draft.lines]
    if draft.status == S.REPORTED:
        return
    draft.fixed = money.fixed_amount(
        decided=draft.decided,
        actual_total=sum(line[3] for line in draft.actual),
        rate=program.rate,
        rounding_unit=program.rounding_unit,
        cap=program.cap,
        cap_basis=program.cap_basis,
    )


def _fit_budgets(drafts: list[Draft]) -> None:
    """A decision that would overrun its fiscal year's budget is a rejection instead (as the service refuses)."""
    left = {(b.program_id, b.fiscal_year): b.budget - b.reserved for b in ProgramBudget.objects.all()}
    for draft in drafts:
        key = (draft.program.pk, draft.fiscal_year)
        if draft.taken > left[key]:
            draft.status, draft.decided, draft.actual, draft.fixed = S.REJECTED, None, [], None
        left[key] -= draft.taken


def _write(drafts: list[Draft], rng: random.Random) -> dict[str, int]:
    people = claim_people(drafts)
    claims, lines, actual, events, links, plans = [], [], [], [], [], []
    decided_at: dict[int, dt.datetime] = {}
    histories = {}
    for draft in drafts:
        history, dates = claim_history(draft, rng, people)
        histories[draft.pk] = (history, dates)
        if "decided_at" in dates:
            decided_at[draft.pk] = dates["decided_at"]
    numbers = decision_numbers(drafts, decided_at)
    for draft in drafts:
        history, dates = histories[draft.pk]
        official = people["ministry"][draft.program.owner_id][0]
        manager = people["managers"][draft.applicant.pk]
        claims.append(
            {
                "id": draft.pk,
                "applicant_id": draft.applicant.pk,
                "program_id": draft.program.pk,
                "fiscal_year": draft.fiscal_year,
                "title": draft.title,
                "status": draft.status,
                "eligible_total": draft.eligible_total,
                "requested_amount": draft.requested,
                "decided_amount": draft.decided,
                "actual_total": sum(line[3] for line in draft.actual) if draft.actual else None,
                "fixed_amount": draft.fixed,
                "version": len(history),
                "decision_number": numbers.get(draft.pk, ""),
                "created_by_id": manager,
                "decided_by_id": official if "decided_at" in dates else None,
                "fixed_by_id": official if "fixed_at" in dates else None,
                "created_at": dates["created_at"],
                "updated_at": history[-1][-1],
                "submitted_at": dates.get("submitted_at"),
                "decided_at": dates.get("decided_at"),
                "fixed_at": dates.get("fixed_at"),
                "paid_at": dates.get("paid_at"),
                "is_demo": True,
            }
        )
        lines += [(draft.pk, i, c, d, v, a, "") for i, (c, d, v, a) in enumerate(draft.lines)]
        actual += [(draft.pk, i, c, d, v, a, "") for i, (c, d, v, a) in enumerate(draft.actual)]
        events += [
            (draft.pk, moment, actor, org, action, source, target, COMMENTS.get(action, ""), amount)
            for action, source, target, actor, org, amount, moment in history
        ]
        links += [(draft.pk, business) for business in draft.businesses]
        if draft.program.kind != "standardization":
            route = rng.choice(list(BprRoute.values))
            plans.append((draft.pk, rng.random() < 0.5, route, "窓口DX SaaS", dates["created_at"]))
    line_columns = ["claim_id", "position", "category", "description", "vendor", "amount", "justification"]
    return {
        "claims": copy_rows(Claim, list(claims[0]), (tuple(row.values()) for row in claims)),
        "line_items": copy_rows(LineItem, line_columns, lines),
        "actual_line_items": copy_rows(ActualLineItem, line_columns, actual),
        "events": copy_rows(
            ClaimEvent,
            [
                "claim_id",
                "at",
                "actor_id",
                "actor_organization_id",
                "action",
                "from_status",
                "to_status",
                "comment",
                "amount",
            ],
            events,
        ),
        "businesses": copy_rows(Claim.businesses.through, ["claim_id", "businessarea_id"], links),
        "plans": copy_rows(
            DigidenPlan, ["claim_id", "uses_madoguchi_saas", "bpr_route", "service_name", "updated_at"], plans
        ),
    }


def _caps(drafts: list[Draft]) -> None:
    """Each applicant's cap under the standardization subsidy: what its claims ask for, rounded up to 1,000万円."""
    asked: dict[tuple[int, int], int] = defaultdict(int)
    for draft in drafts:
        if draft.program.uses_organization_caps:
            asked[(draft.applicant.pk, draft.program.pk)] += draft.requested
    unit = 10_000_000
    OrganizationCap.objects.bulk_create(
        [
            OrganizationCap(organization_id=org, program_id=program, cap=-(-total // unit) * unit, is_demo=True)
            for (org, program), total in sorted(asked.items())
        ],
        batch_size=2000,
    )


def seed_national(*, factor: float = 1.0, stdout: Any = None) -> dict[str, int]:
    """Generate the national claims at `factor` (1 = national), replacing those of a previous run: the demo
    claims of organizations other than those of the demo stories. Expects the programs loaded."""
    from .demo import DEMO_CAPS, clear_claims, recompute_money

    require_postgresql()
    rng = random.Random(f"{SEED}-subsidies")  # noqa: S311 - reproducible demo data, not security
    applicants = list(
        Organization.objects.filter(kind__in=[OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE])
        .exclude(slug__in=list(DEMO_CAPS))
        .order_by("code")
    )
    with transaction.atomic():
        clear_claims(Claim.objects.filter(is_demo=True).exclude(applicant__slug__in=list(DEMO_CAPS)))
        OrganizationCap.objects.filter(is_demo=True).exclude(organization__slug__in=list(DEMO_CAPS)).delete()
        recompute_money()  # what the remaining claims take: the budgets left for the generated ones
        drafts = _plan(rng, factor, applicants)
        _fit_budgets(drafts)
        _caps(drafts)
        written = _write(drafts, rng)
        recompute_money()
    if stdout is not None:
        stdout.write(
            f"  全国規模: 交付申請 {written['claims']:,}件、経費の内訳 {written['line_items']:,}行、"
            f"実績の内訳 {written['actual_line_items']:,}行、履歴 {written['events']:,}件"
        )
    return written
