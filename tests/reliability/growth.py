"""Builders that add n more rows of one kind, for the query-count tests: each call adds to what the last one made.

Rows are named 計測… (or use real municipalities not touched before), so a page filtered on them shows exactly them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from catalog.models import (
    Adoption,
    BusinessArea,
    MigrationStatus,
    MigrationStatusValue,
    Offering,
    OfferingStatus,
    Pattern,
    SharedSystem,
    StepDefinition,
    StepProgress,
    StepState,
)
from catalog.services import system_search_key
from dashboards.models import Direction, Kpi, KpiObservation
from portal.models import ImportRecord, ImportStatus, Organization, OrganizationKind, User
from procurement.models import JointProcurement, Method, Participation, ProcurementCategory, Status
from subsidies.models import (
    Claim,
    ClaimEvent,
    ClaimResult,
    ClaimStatus,
    LineItem,
    OrganizationCap,
    Program,
    ProgramKind,
)
from subsidies.programs import load_programs

MARK = "計測"
_serial = itertools.count(1)
NAGANO = "200000"
OBUSE = "205419"


def _n() -> int:
    return next(_serial)


def org(slug: str) -> Organization:
    return Organization.objects.get(slug=slug)


def user(username: str) -> User:
    return User.objects.get(username=username)


_used_municipalities: set[int] = set()


def fresh_municipalities(n: int, prefecture_code: str = "") -> list[Organization]:
    """n real municipalities no growth step has used yet (their rows start empty)."""
    qs = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).exclude(pk__in=_used_municipalities)
    if prefecture_code:
        qs = qs.filter(prefecture_code=prefecture_code)
    picked = list(qs.exclude(slug__in=[OBUSE]).order_by("code")[:n])
    assert len(picked) == n, "not enough municipalities left"
    _used_municipalities.update(m.pk for m in picked)
    return picked


def reset() -> None:
    _used_municipalities.clear()


# portal


def vendors(n: int) -> None:
    for _ in range(n):
        i = _n()
        Organization.objects.create(slug=f"qc-vendor-{i}", kind=OrganizationKind.VENDOR, name=f"{MARK}事業者{i}")


def municipalities_of_nagano(n: int) -> list[Organization]:
    """n new municipalities of 長野県 named 計測町…"""
    nagano = org(NAGANO)
    made = []
    for _ in range(n):
        i = _n()
        municipality = Organization.objects.create(
            slug=f"qc{i:04d}",
            code=f"99{i:04d}",
            kind=OrganizationKind.MUNICIPALITY,
            name=f"{MARK}町{i}",
            prefecture=nagano,
            prefecture_code="20",
            population=1000 + i,
        )
        made.append(municipality)
    return made


def members_of_obuse(n: int) -> None:
    obuse = org(OBUSE)
    for _ in range(n):
        i = _n()
        User.objects.create(username=f"qc-member-{i}", organization=obuse, full_name=f"{MARK} 職員{i}")


def import_records(n: int) -> None:
    actor = user("obuse-staff")
    for _ in range(n):
        i = _n()
        ImportRecord.objects.create(
            kind="migration_status",
            actor=actor,
            organization=actor.organization,
            on_behalf_of=actor.organization,
            file_name=f"{MARK}{i}.csv",
            checksum=f"{i:064d}",
            status=ImportStatus.DONE,
            finished_at=timezone.now(),
        )


# catalog


def systems(n: int, *, adopters: int = 2) -> list[SharedSystem]:
    """n systems, each in a business area, with a published offering and adoptions by real municipalities."""
    area = BusinessArea.objects.order_by("order").first()
    made = []
    for _ in range(n):
        i = _n()
        name = f"{MARK}システム{i}"
        system = SharedSystem.objects.create(
            slug=f"qc-system-{i}",
            name=name,
            name_kana="ケイソク",
            search_key=system_search_key(name=name, name_kana="ケイソク"),
            pattern=Pattern.B,
        )
        if area is not None:
            system.business_areas.add(area)
        offerings(1, system=system)
        for municipality in fresh_municipalities(adopters):
            Adoption.objects.create(organization=municipality, system=system, status="in_use")
        made.append(system)
    return made


def offerings(n: int, *, system: SharedSystem | None = None, status: str = OfferingStatus.PUBLISHED) -> None:
    system = (
        system
        or SharedSystem.objects.get_or_create(
            slug="qc-offered", defaults={"name": f"{MARK}提供対象", "name_kana": "ケイソク", "pattern": Pattern.B}
        )[0]
    )
    vendor = org("demo-vendor")
    for _ in range(n):
        i = _n()
        Offering.objects.create(
            system=system, vendor=vendor, slug=f"qc-offering-{i}", product_name=f"{MARK}製品{i}", status=status
        )


def proposed_offerings(n: int) -> None:
    offerings(n, status=OfferingStatus.PROPOSED)


def adoptions_of_obuse(n: int) -> None:
    obuse = org(OBUSE)
    for _ in range(n):
        i = _n()
        system = SharedSystem.objects.create(
            slug=f"qc-adopted-{i}", name=f"{MARK}導入{i}", name_kana="ケイソク", pattern=Pattern.B
        )
        offering = Offering.objects.create(
            system=system, vendor=org("demo-vendor"), slug=f"qc-adopted-offering-{i}", product_name=f"{MARK}製品{i}"
        )
        Adoption.objects.create(organization=obuse, system=system, offering=offering, status="in_use")


def adopters_of(slug: str) -> Callable[[int], None]:
    def grow(n: int) -> None:
        system = SharedSystem.objects.get(slug=slug)
        offerings(1, system=system)
        for municipality in fresh_municipalities(n):
            Adoption.objects.create(organization=municipality, system=system, status="in_use")

    return grow


def businesses_of_obuse(n: int) -> None:
    """Standardized businesses with a status row of 小布施町 (and one audit-visible change each)."""
    obuse = org(OBUSE)
    for _ in range(n):
        i = _n()
        business = BusinessArea.objects.create(
            slug=f"qc-business-{i}", code=f"QC{i}", name=f"{MARK}業務{i}", is_standardized=True, order=100 + i
        )
        MigrationStatus.objects.create(municipality=obuse, business=business, status=MigrationStatusValue.MIGRATING)


def steps_of_obuse(business_slug: str) -> Callable[[int], None]:
    def grow(n: int) -> None:
        obuse = org(OBUSE)
        business = BusinessArea.objects.get(slug=business_slug)
        for _ in range(n):
            i = _n()
            step = StepDefinition.objects.create(version="qc", number=1000 + i, name=f"{MARK}手順{i}")
            StepProgress.objects.create(municipality=obuse, business=business, step=step, state=StepState.DONE)

    return grow


def migration_statuses(n: int) -> None:
    """n municipalities report a status of one standardized business."""
    business, _created = BusinessArea.objects.get_or_create(
        slug="qc-status-business", defaults={"code": "QCM", "name": f"{MARK}標準化業務", "is_standardized": True}
    )
    for municipality in fresh_municipalities(n):
        MigrationStatus.objects.create(
            municipality=municipality, business=business, status=MigrationStatusValue.MIGRATED
        )


# subsidies


def _program() -> Program:
    return Program.objects.get(code="standardization") if Program.objects.exists() else load_programs()[0]


def claims(n: int, *, status: str = ClaimStatus.SUBMITTED, lines: int = 2, result: bool = False) -> list[Claim]:
    """n claims of Nagano's municipalities in `status`, each with line items and its creation event."""
    program = _program()
    made = []
    for municipality in fresh_municipalities(n, prefecture_code="20"):
        by = User.objects.create(username=f"qc-applicant-{_n()}", organization=municipality)
        claim = Claim.objects.create(
            applicant=municipality,
            program=program,
            fiscal_year=2026,
            title=f"{MARK}事業",
            status=status,
            eligible_total=1_000_000 * lines,
            requested_amount=500_000 * lines,
            decided_amount=500_000 * lines if status == ClaimStatus.APPROVED else None,
            created_by=by,
            submitted_at=timezone.now(),
        )
        LineItem.objects.bulk_create(
            LineItem(claim=claim, position=p, category="A", description=f"{MARK}委託{p}", amount=1_000_000)
            for p in range(lines)
        )
        ClaimEvent.objects.create(claim=claim, actor=by, action="create", to_status=ClaimStatus.DRAFT)
        if result:
            ClaimResult.objects.create(
                claim=claim, implementation_status=f"{MARK}完了", effects="窓口の待ち時間が減った", published=True
            )
        made.append(claim)
    return made


def claim_of_obuse(status: str, title: str) -> Claim:
    """One claim of 小布施町 made by obuse-staff, in `status`."""
    obuse = org(OBUSE)
    claim = Claim.objects.create(
        applicant=obuse,
        program=_program(),
        fiscal_year=2026,
        title=title,
        status=status,
        eligible_total=1_000_000,
        requested_amount=500_000,
        decided_amount=500_000 if status == ClaimStatus.APPROVED else None,
        decision_number="総務第1号" if status == ClaimStatus.APPROVED else "",
        created_by=user("obuse-staff"),
        submitted_at=None if status == ClaimStatus.DRAFT else timezone.now(),
    )
    LineItem.objects.create(claim=claim, position=0, category="A", description=f"{MARK}委託", amount=1_000_000)
    return claim


def published_results(n: int) -> None:
    claims(n, status=ClaimStatus.PAID, result=True)


def caps(n: int) -> None:
    program = _program()
    for municipality in fresh_municipalities(n):
        OrganizationCap.objects.create(program=program, organization=municipality, cap=10_000_000)


def programs(n: int) -> None:
    owner = org("soumu")
    today = timezone.localdate()
    for _ in range(n):
        i = _n()
        Program.objects.create(
            code=f"qc-program-{i}",
            name=f"{MARK}補助金{i}",
            kind=ProgramKind.STANDARDIZATION,
            owner=owner,
            acceptance_from=today,
            acceptance_until=today + dt.timedelta(days=30),
        )


def events_of(claim_title: str) -> Callable[[int], None]:
    def grow(n: int) -> None:
        claim = Claim.objects.get(title=claim_title)
        for _ in range(n):
            ClaimEvent.objects.create(
                claim=claim,
                actor=claim.created_by,
                action="edit",
                from_status=ClaimStatus.DRAFT,
                to_status=ClaimStatus.DRAFT,
                comment=MARK,
            )

    return grow


def lines_of(claim_title: str) -> Callable[[int], None]:
    def grow(n: int) -> None:
        claim = Claim.objects.get(title=claim_title)
        start = claim.line_items.count()
        LineItem.objects.bulk_create(
            LineItem(claim=claim, position=start + p, category="A", description=f"{MARK}明細{p}", amount=100_000)
            for p in range(n)
        )

    return grow


# procurement


def procurements(n: int, *, participants: int = 2) -> list[JointProcurement]:
    """n public joint procurements led by 長野県, each inviting municipalities of Nagano."""
    nagano = org(NAGANO)
    category = ProcurementCategory.objects.order_by("pk")[0]
    made = []
    for _ in range(n):
        i = _n()
        procurement = JointProcurement.objects.create(
            lead_prefecture=nagano,
            title=f"{MARK}共同調達{i}",
            category=category,
            method=Method.values[0],
            status=Status.RECRUITING,
            estimated_amount=10_000_000,
            share_equal=Decimal("1"),
            share_population=Decimal("0"),
            share_usage=Decimal("0"),
        )
        procurement.ocid = f"ocds-qc-{procurement.pk}"
        procurement.save(update_fields=["ocid"])
        for municipality in fresh_municipalities(participants, prefecture_code="20"):
            Participation.objects.create(procurement=procurement, municipality=municipality)
        made.append(procurement)
    return made


def invitations_of_obuse(n: int) -> None:
    """n procurements that invite 小布施町 (its staff's register shows them as invitations)."""
    procurements(n, participants=0)
    obuse = org(OBUSE)
    for procurement in JointProcurement.objects.filter(title__startswith=MARK).exclude(
        participations__municipality=obuse
    ):
        Participation.objects.create(procurement=procurement, municipality=obuse)


def participants_of(title: str) -> Callable[[int], None]:
    def grow(n: int) -> None:
        procurement = JointProcurement.objects.get(title=title)
        for municipality in municipalities_of_nagano(n):
            Participation.objects.create(procurement=procurement, municipality=municipality, status="committed")

    return grow


# dashboards


def kpi_observations(n: int) -> None:
    kpi, _created = Kpi.objects.get_or_create(
        code="qc-kpi",
        defaults={
            "name": f"{MARK}指標",
            "unit": "%",
            "direction": Direction.values[0],
            "target_value": Decimal("100"),
            "target_date": dt.date(2030, 3, 31),
            "target_source": MARK,
            "owner": org("soumu"),
            "source": MARK,
        },
    )
    start = KpiObservation.objects.filter(kpi=kpi).count()
    for d in range(start, start + n):
        KpiObservation.objects.create(
            kpi=kpi, date=dt.date(2020, 1, 1) + dt.timedelta(days=30 * d), value=d, source=MARK
        )
