"""Demo joint procurements (seed_demo): many prefectures, every category and status, real municipalities.

Deterministic (fixed seeds) and re-runnable: the demo rows are deleted and made again. 長野県 has one case in
`recruiting` inviting 小布施町 and 佐久市, unanswered, so the demo logins can answer it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import Organization, OrganizationKind

from .categories import ensure_default_categories
from .models import (
    Funding,
    JointProcurement,
    Method,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
    Status,
)
from .selectors import shares_for

P = ParticipationStatus


@dataclass(frozen=True)
class Case:
    prefecture: str  # 6-digit code
    title: str
    category: str
    method: str
    status: str
    participants: int
    per_participant: int  # yen, the rough estimate per municipality
    weights: tuple[str, str, str] = ("1", "0", "0")  # equal, population, usage
    funding: str = Funding.OWN_BUDGET
    must_invite: tuple[str, ...] = ()
    department: str = "デジタル推進課"


CASES = [
    Case(
        "200000",
        "長野県市町村 電子申請システム共同調達",
        "e_application",
        Method.PROPOSAL,
        Status.RECRUITING,
        14,
        2_400_000,
        ("0.3", "0.7", "0"),
        Funding.DIGITAL_BOND,
        ("205419", "202177"),
        "DX推進課",
    ),
    Case(
        "200000",
        "長野県・市町村 電子入札システム共同利用（第2期）",
        "e_bidding",
        Method.GENERAL_COMPETITIVE,
        Status.OPERATING,
        30,
        1_100_000,
        ("0.5", "0.5", "0"),
        Funding.OWN_BUDGET,
        (),
        "契約・検査課",
    ),
    Case(
        "310000",
        "鳥取県・市町村 施設予約システム共同調達",
        "facility_booking",
        Method.PROPOSAL,
        Status.CONTRACTED,
        9,
        1_600_000,
        ("0.4", "0.6", "0"),
        Funding.DIGITAL_BOND,
        ("313289",),
        "デジタル改革推進課",
    ),
    Case(
        "310000",
        "鳥取県 校務支援システム共同調達（県立・市町村立学校）",
        "school_affairs",
        Method.PROPOSAL,
        Status.PLANNING,
        12,
        3_200_000,
        ("0", "0", "1"),
        Funding.SUBSIDY,
        ("313289",),
        "教育委員会 教育環境課",
    ),
    Case(
        "010006",
        "北海道 GIGAスクール端末 共同調達（第2期）",
        "giga_devices",
        Method.GENERAL_COMPETITIVE,
        Status.TENDERING,
        40,
        9_000_000,
        ("0", "0", "1"),
        Funding.SUBSIDY,
        (),
        "教育庁 ICT教育推進課",
    ),
    Case(
        "020001",
        "青森県市町村 電子申請・キャッシュレス納付 共同調達",
        "e_application",
        Method.COMPREHENSIVE_EVALUATION,
        Status.CONTRACTED,
        16,
        2_000_000,
        ("0.3", "0.7", "0"),
    ),
    Case(
        "050008",
        "秋田県・市町村 電子入札システム共同調達",
        "e_bidding",
        Method.GENERAL_COMPETITIVE,
        Status.OPERATING,
        20,
        900_000,
        ("0.5", "0.5", "0"),
    ),
    Case(
        "080004",
        "茨城県 公共施設予約システム共同利用",
        "facility_booking",
        Method.PROPOSAL,
        Status.ENDED,
        18,
        1_300_000,
        ("0.3", "0.7", "0"),
    ),
    Case(
        "150002",
        "新潟県 校務支援システム共同調達",
        "school_affairs",
        Method.PROPOSAL,
        Status.RECRUITING,
        15,
        2_800_000,
        ("0.2", "0.3", "0.5"),
        Funding.SUBSIDY,
    ),
    Case(
        "220001",
        "静岡県 GIGA端末 更新 共同調達",
        "giga_devices",
        Method.GENERAL_COMPETITIVE,
        Status.CONTRACTED,
        22,
        12_000_000,
        ("0", "0", "1"),
        Funding.SUBSIDY,
    ),
    Case(
        "270008",
        "大阪府域 電子申請システム共同利用",
        "e_application",
        Method.PROPOSAL,
        Status.OPERATING,
        25,
        1_800_000,
        ("0.3", "0.7", "0"),
        Funding.DIGITAL_BOND,
    ),
    Case(
        "340006",
        "広島県・市町 電子入札システム共同調達",
        "e_bidding",
        Method.GENERAL_COMPETITIVE,
        Status.ENDED,
        14,
        1_000_000,
        ("0.5", "0.5", "0"),
    ),
    Case(
        "400009",
        "福岡県 施設予約システム共同調達",
        "facility_booking",
        Method.COMPREHENSIVE_EVALUATION,
        Status.PLANNING,
        20,
        1_500_000,
        ("0.3", "0.7", "0"),
        Funding.DIGITAL_BOND,
    ),
    Case(
        "430005",
        "熊本県 GIGA端末 共同調達",
        "giga_devices",
        Method.GENERAL_COMPETITIVE,
        Status.RECRUITING,
        18,
        8_000_000,
        ("0", "0", "1"),
        Funding.SUBSIDY,
    ),
    Case(
        "460001",
        "鹿児島県・市町村 校務支援システム共同調達",
        "school_affairs",
        Method.COMPREHENSIVE_EVALUATION,
        Status.TENDERING,
        21,
        2_500_000,
        ("0.3", "0.7", "0"),
        Funding.SUBSIDY,
    ),
    Case(
        "380008",
        "愛媛県・市町 文書管理システム共同調達",
        "other",
        Method.NEGOTIATED,
        Status.OPERATING,
        12,
        1_700_000,
        ("0.5", "0.5", "0"),
    ),
]

# Dates are fixed so every run makes the same data: when each stage's cases began.
STAGE_START = {
    0: dt.date(2026, 11, 1),  # planning
    1: dt.date(2026, 10, 1),  # recruiting: the answers are due in December 2026
    2: dt.date(2026, 6, 1),  # tendering
    3: dt.date(2025, 12, 1),  # contracted: operation starts in April 2027
    4: dt.date(2023, 10, 1),  # operating
    5: dt.date(2018, 10, 1),  # ended
}
ORDER = [Status.PLANNING, Status.RECRUITING, Status.TENDERING, Status.CONTRACTED, Status.OPERATING, Status.ENDED]
VENDORS = [
    "株式会社地域情報システム",
    "自治体クラウドサービス株式会社",
    "株式会社まちづくりICT",
    "公共ソリューションズ株式会社",
]


def _answers(case: Case, rng: random.Random, count: int) -> list[str]:
    if case.status == Status.PLANNING:
        return [P.INVITED] * count
    if case.status == Status.RECRUITING:
        pool = [P.INVITED, P.INVITED, P.INTERESTED, P.COMMITTED, P.COMMITTED, P.DECLINED]
        return [rng.choice(pool) for _ in range(count)]
    return [rng.choice([P.COMMITTED] * 6 + [P.DECLINED, P.WITHDRAWN]) for _ in range(count)]


def _build(case: Case, index: int, prefecture: Organization, municipalities: list[Organization]) -> None:
    rng = random.Random(f"procurement-demo-{index}")  # noqa: S311 - demo data, not security
    fixed = [m for m in municipalities if m.code in case.must_invite]
    # Joint procurement is mostly for smaller municipalities: draw from those under 100,000 people.
    pool = [m for m in municipalities if m.code not in case.must_invite and (m.population or 0) < 100_000]
    chosen = fixed + rng.sample(pool, min(case.participants - len(fixed), len(pool)))
    stage = ORDER.index(Status(case.status))
    start = STAGE_START[stage] + dt.timedelta(days=3 * index)
    estimate = case.per_participant * len(chosen)
    contract = estimate * rng.randint(80, 95) // 100 if stage >= ORDER.index(Status.CONTRACTED) else None
    initial = (contract or estimate) * 6 // 10
    operation_start = dt.date(start.year + 1 + (start.month > 3), 4, 1)  # a fiscal year's first day
    procurement = JointProcurement.objects.create(
        lead_prefecture=prefecture,
        title=case.title,
        category=ProcurementCategory.objects.get(slug=case.category),
        description=f"{prefecture.name}が幹事となり、参加を希望する市町村と共同で調達します。仕様を共通化し、調達事務と費用を軽減します。",
        method=case.method,
        status=case.status,
        recruiting_deadline=start + dt.timedelta(days=75),
        tender_date=start + dt.timedelta(days=180) if stage >= 2 else None,
        contract_date=start + dt.timedelta(days=210) if stage >= 3 else None,
        operation_start=operation_start if stage >= 3 else None,
        end_date=dt.date(operation_start.year + 5, 3, 31) if stage >= 3 else None,
        awarded_vendor_name=rng.choice(VENDORS) if stage >= 3 else "",
        estimated_amount=estimate,
        contract_amount=contract,
        initial_cost=initial,
        annual_running_cost=(contract or estimate) // 5,
        funding=case.funding,
        spec_shareable=rng.random() < 0.6,
        contact_department=f"{prefecture.name} {case.department}",
        share_equal=Decimal(case.weights[0]),
        share_population=Decimal(case.weights[1]),
        share_usage=Decimal(case.weights[2]),
        is_demo=True,
    )
    procurement.ocid = f"{settings.OCDS_PREFIX}-{procurement.pk}"
    procurement.save(update_fields=["ocid"])
    answered_at = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=20), dt.time(10)))
    rows = []
    for municipality, status in zip(chosen, _answers(case, rng, len(chosen)), strict=True):
        if municipality.code in case.must_invite and case.status in (Status.PLANNING, Status.RECRUITING):
            status = P.INVITED  # left for the demo logins to answer
        population = municipality.population or 0
        rows.append(
            Participation(
                procurement=procurement,
                municipality=municipality,
                status=status,
                comment=""
                if status == P.INVITED
                else rng.choice(
                    ["", "参加します。", "予算措置を検討中です。", "既存契約の更新時期と合わないため見送ります。"]
                ),
                usage_units=max(1, population // 10) if case.weights[2] != "0" and status != P.INVITED else None,
                standalone_estimate=case.per_participant * rng.randint(130, 190) // 100
                if status == P.COMMITTED
                else None,
                answered_at=None if status == P.INVITED else answered_at,
            )
        )
    Participation.objects.bulk_create(rows)
    # Going alone would have cost each participant more than its share: 25–80 % more, rounded to 1,000円.
    estimates = []
    for row in shares_for(procurement, preview=stage <= 1):
        participation = next(p for p in rows if p.municipality_id == row.municipality.pk)
        if participation.status == P.COMMITTED:
            participation.standalone_estimate = row.share.share * rng.randint(125, 180) // 100 // 1000 * 1000
            estimates.append(participation)
    Participation.objects.bulk_update(estimates, ["standalone_estimate"])


@transaction.atomic
def seed(*, scale: str = "demo", stdout: Any = None) -> None:
    """Make the demo joint procurements again (the same ones every run)."""
    ensure_default_categories()
    JointProcurement.objects.filter(is_demo=True).delete()
    prefectures = {o.code: o for o in Organization.objects.filter(kind=OrganizationKind.PREFECTURE)}
    municipalities: dict[int, list[Organization]] = {}
    for municipality in Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("code"):
        municipalities.setdefault(municipality.prefecture_id or 0, []).append(municipality)
    for index, case in enumerate(CASES):
        prefecture = prefectures[case.prefecture]
        _build(case, index, prefecture, municipalities.get(prefecture.pk, []))
    if stdout is not None:
        stdout.write(f"  共同調達 {len(CASES)}件（{len({c.prefecture for c in CASES})}都道府県）")
    if scale == "national":
        from .demo_national import seed_national  # it reuses this module's stages and vendors

        seed_national(stdout=stdout)
