"""National-scale joint procurements (seed_demo --scale national): 2,000 cases led by the 47 prefectures with
15,000 participations of their municipalities, written with COPY. Deterministic from `portal.national.SEED`.

Titles and vendors are invented; prefectures and municipalities are real. The weights of each case add up to
exactly 1 and the participants' standalone estimates are drawn from the shares `sharing.compute_shares` gives,
so the shares shown for a case add up to its amount as for any other. They are the demo cases not in `CASES`.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction

from portal.models import Organization, OrganizationKind
from portal.national import SEED, at, copy_rows, require_postgresql, reserve_ids, sizes

from .categories import ensure_default_categories
from .demo import CASES, ORDER, STAGE_START, VENDORS
from .models import (
    Funding,
    JointProcurement,
    Method,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
    ProcurementDocument,
    Status,
)
from .sharing import Party, compute_shares

P = ParticipationStatus
# What is procured jointly, per category: (subject, department).
SUBJECTS = {
    "e_bidding": [("電子入札システム共同利用", "契約・検査課"), ("電子調達システム共同運用", "会計課")],
    "e_application": [("電子申請システム共同調達", "DX推進課"), ("キャッシュレス納付サービス共同調達", "税務課")],
    "facility_booking": [
        ("公共施設予約システム共同調達", "デジタル推進課"),
        ("スポーツ施設予約サービス共同利用", "文化スポーツ課"),
    ],
    "giga_devices": [
        ("GIGAスクール端末共同調達", "教育委員会 教育DX推進室"),
        ("学習用端末の更新共同調達", "教育委員会"),
    ],
    "school_affairs": [("統合型校務支援システム共同調達", "教育委員会"), ("学習eポータル共同利用", "教育委員会")],
    "other": [
        ("文書管理システム共同調達", "情報政策課"),
        ("AI-OCR・RPA共同利用", "行政改革課"),
        ("議会会議録検索システム共同調達", "市町村課"),
        ("ネットワーク強靱化環境の共同利用", "情報政策課"),
    ],
}
STATUS_WEIGHTS = [10, 15, 10, 15, 40, 10]  # in the order of ORDER
SPREAD = [30, 30, 120, 90, 700, 400]  # days before the stage's start date a case may have begun
WEIGHTS = [("1", "0", "0"), ("0.5", "0.5", "0"), ("0.3", "0.7", "0"), ("0.2", "0.5", "0.3"), ("0", "0", "1")]
EXTRA_VENDORS = ["株式会社みちのく情報", "瀬戸内システムズ株式会社", "株式会社ひのくに電算"]
WRITTEN_AT = at(dt.date(2026, 11, 1))


def _participant_counts(rng: random.Random, cases: int, total: int, pools: list[int]) -> list[int]:
    """How many municipalities each case invites: about total/cases, at most its pool, adding up to `total`."""
    mean = max(1, total // cases)
    counts = [min(pool, rng.randint(max(1, mean - 5), mean + 5)) for pool in pools]
    index = 0
    while sum(counts) != total and index < 100 * cases:
        i = index % cases
        if sum(counts) < total and counts[i] < pools[i]:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > 1:
            counts[i] -= 1
        index += 1
    return counts


def _answers(rng: random.Random, status: str, count: int) -> list[str]:
    if status == Status.PLANNING:
        return [P.INVITED] * count
    if status == Status.RECRUITING:
        pool = [P.INVITED, P.INVITED, P.INTERESTED, P.COMMITTED, P.COMMITTED, P.DECLINED]
    else:
        pool = [P.COMMITTED] * 6 + [P.DECLINED, P.WITHDRAWN]
    answers: list[str] = [rng.choice(pool) for _ in range(count)]
    if status != Status.RECRUITING:
        answers[0] = P.COMMITTED  # a case past recruiting has at least one participant
    return answers


def remove() -> None:
    """Remove the previously generated cases (the demo `CASES` stay), children first."""
    generated = JointProcurement.objects.filter(is_demo=True).exclude(title__in=[c.title for c in CASES])
    Participation.objects.filter(procurement__in=generated).delete()
    ProcurementDocument.objects.filter(procurement__in=generated).delete()
    generated.delete()


def seed_national(*, factor: float = 1.0, stdout: Any = None) -> dict[str, int]:
    """Generate the national joint procurements at `factor` (1 = national)."""
    require_postgresql()
    size = sizes(factor)
    rng = random.Random(f"{SEED}-procurement")  # noqa: S311 - reproducible demo data, not security
    ensure_default_categories()
    categories = {c.slug: c.pk for c in ProcurementCategory.objects.all()}
    prefectures = list(Organization.objects.filter(kind=OrganizationKind.PREFECTURE).order_by("code"))
    members: dict[int, list[Organization]] = {p.pk: [] for p in prefectures}
    for municipality in Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("code"):
        members[municipality.prefecture_id or 0].append(municipality)
    leads = [rng.choices(prefectures, [len(members[p.pk]) for p in prefectures])[0] for _ in range(size.procurements)]
    counts = _participant_counts(rng, size.procurements, size.participations, [len(members[p.pk]) for p in leads])
    ids = reserve_ids(JointProcurement, size.procurements)
    cases, participations = [], []
    terms: dict[tuple[int, str], int] = {}  # the same subject again is a later term (第2期 …)
    for pk, lead, count in zip(ids, leads, counts, strict=True):
        case, rows = _case(rng, pk, lead, rng.sample(members[lead.pk], count), categories, terms)
        cases.append(case)
        participations += rows
    with transaction.atomic():
        remove()
        written = copy_rows(JointProcurement, COLUMNS, cases)
        joined = copy_rows(Participation, PARTICIPATION_COLUMNS, participations)
    if stdout is not None:
        stdout.write(f"  全国規模: 共同調達 {written:,}件、参加団体 {joined:,}件")
    return {"procurements": written, "participations": joined}


def _case(
    rng: random.Random,
    pk: int,
    lead: Organization,
    chosen: list[Organization],
    categories: dict[str, int],
    terms: dict[tuple[int, str], int],
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    category = rng.choice(sorted(SUBJECTS))
    subject, department = rng.choice(SUBJECTS[category])
    stage = rng.choices(range(len(ORDER)), STATUS_WEIGHTS)[0]
    status = ORDER[stage]
    start = STAGE_START[stage] - dt.timedelta(days=rng.randrange(SPREAD[stage]))
    per_participant = rng.randint(5, 500) * 10_000
    estimate = per_participant * len(chosen)
    contract = estimate * rng.randint(80, 95) // 100 if stage >= 3 else None
    amount = contract if contract is not None else estimate
    weights = rng.choice(WEIGHTS)
    operation_start = dt.date(start.year + 1 + (start.month > 3), 4, 1)
    term = terms[(lead.pk, subject)] = terms.get((lead.pk, subject), 0) + 1
    title = f"{lead.name}・市町村 {subject}" + (f"（第{term}期）" if term > 1 else "")
    case = (
        pk,
        lead.pk,
        title,
        categories[category],
        None,
        f"{lead.name}が幹事となり、参加を希望する市町村と共同で調達します。仕様を共通化し、調達事務と費用を軽減します。",
        rng.choice(list(Method.values)),
        status,
        start + dt.timedelta(days=75),
        start + dt.timedelta(days=180) if stage >= 2 else None,
        start + dt.timedelta(days=210) if stage >= 3 else None,
        operation_start if stage >= 3 else None,
        dt.date(operation_start.year + 5, 3, 31) if stage >= 3 else None,
        rng.choice(VENDORS + EXTRA_VENDORS) if stage >= 3 else "",
        None,
        estimate,
        contract,
        amount * 6 // 10,
        amount // 5,
        rng.choice(list(Funding.values)),
        "",
        rng.random() < 0.6,
        f"{lead.name} {department}",
        Decimal(weights[0]),
        Decimal(weights[1]),
        Decimal(weights[2]),
        f"{settings.OCDS_PREFIX}-{pk}",
        1,
        True,
        at(start),
        WRITTEN_AT,
    )
    return case, _participations(rng, pk, status, stage, start, chosen, weights, amount)


def _participations(
    rng: random.Random,
    pk: int,
    status: str,
    stage: int,
    start: dt.date,
    chosen: list[Organization],
    weights: tuple[str, str, str],
    amount: int,
) -> list[tuple[Any, ...]]:
    answers = _answers(rng, status, len(chosen))
    usage = {
        m.pk: max(1, (m.population or 0) // 10) if weights[2] != "0" and answer != P.INVITED else None
        for m, answer in zip(chosen, answers, strict=True)
    }
    counted = [P.INVITED, P.INTERESTED, P.COMMITTED] if stage <= 1 else [P.COMMITTED]
    sharing = sorted(
        (m for m, answer in zip(chosen, answers, strict=True) if answer in counted), key=lambda m: m.code or ""
    )
    parties = [Party(code=m.code or "", population=m.population or 0, usage_units=usage[m.pk] or 0) for m in sharing]
    fractions = dict(zip(("equal", "population", "usage"), (Fraction(w) for w in weights), strict=True))
    shares = {s.code: s.share for s in compute_shares(total=amount, parties=parties, weights=fractions)}
    rows = []
    answered_at = at(start + dt.timedelta(days=20))
    for municipality, answer in zip(chosen, answers, strict=True):
        share = shares.get(municipality.code or "")
        estimate = share * rng.randint(125, 180) // 100 // 1000 * 1000 if answer == P.COMMITTED and share else None
        comment = "" if answer == P.INVITED else rng.choice(["", "参加します。", "予算措置を検討中です。"])
        rows.append(
            (
                pk,
                municipality.pk,
                answer,
                comment,
                usage[municipality.pk],
                estimate,
                at(start),
                None if answer == P.INVITED else answered_at,
                None,
            )
        )
    return rows


COLUMNS = [
    "id",
    "lead_prefecture_id",
    "title",
    "category_id",
    "system_id",
    "description",
    "method",
    "status",
    "recruiting_deadline",
    "tender_date",
    "contract_date",
    "operation_start",
    "end_date",
    "awarded_vendor_name",
    "awarded_vendor_id",
    "estimated_amount",
    "contract_amount",
    "initial_cost",
    "annual_running_cost",
    "funding",
    "funding_note",
    "spec_shareable",
    "contact_department",
    "share_equal",
    "share_population",
    "share_usage",
    "ocid",
    "version",
    "is_demo",
    "created_at",
    "updated_at",
]
PARTICIPATION_COLUMNS = [
    "procurement_id",
    "municipality_id",
    "status",
    "comment",
    "usage_units",
    "standalone_estimate",
    "invited_at",
    "answered_at",
    "answered_by_id",
]
