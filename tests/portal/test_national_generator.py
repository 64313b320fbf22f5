"""The national-scale data generator (issue #9) at 1/200 scale: the sizes, the invariants of each app's data,
the same rows from the same seed, and the dashboards built on it reconciling with the raw tables."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum

from catalog.business_areas import load_business_areas
from catalog.demo import national as catalog_national
from catalog.models import Adoption, MigrationStatus, SharedSystem, StepProgress
from catalog.published import load_published_figures
from conftest import require_service
from dashboards import demo_national as dashboards_national
from dashboards.models import AggregateRow, BuildStatus, KpiObservation
from dashboards.services import aggregates_build_all
from portal.models import Organization, OrganizationKind
from portal.national import sizes
from procurement import demo_national as procurement_national
from procurement.models import JointProcurement, Participation, Status
from procurement.selectors import shares_for
from subsidies import demo_national as subsidies_national
from subsidies import money
from subsidies.models import ActualLineItem, Claim, ClaimEvent, ClaimStatus, LineItem, OrganizationCap, ProgramBudget
from subsidies.programs import load_programs

FACTOR = 1 / 200
SIZE = sizes(FACTOR)
DECIDED = ["approved", "reported", "fixed", "paid"]

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _build() -> None:
    catalog_national.seed_national(factor=FACTOR)
    subsidies_national.seed_national(factor=FACTOR)
    procurement_national.seed_national(factor=FACTOR)
    dashboards_national.seed_national(factor=FACTOR)


@pytest.fixture
def national(db: Any) -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "the generator writes with COPY")
    load_business_areas()
    load_published_figures()
    load_programs()
    _build()


def _rows(queryset: Any, *fields: str) -> list[tuple[Any, ...]]:
    return list(queryset.values_list(*fields).order_by(*fields))


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The generated rows by content (keys differ between runs, values must not)."""
    return {
        "systems": _rows(SharedSystem.objects, "slug", "name", "pattern", "lifecycle"),
        "adoptions": _rows(Adoption.objects, "organization__slug", "system__slug", "status", "since"),
        "steps": _rows(StepProgress.objects, "municipality__slug", "business__slug", "step__number", "state"),
        "claims": _rows(
            Claim.objects,
            "applicant__slug",
            "program__code",
            "fiscal_year",
            "title",
            "status",
            "requested_amount",
            "decided_amount",
            "fixed_amount",
            "decision_number",
            "submitted_at",
        ),
        "lines": _rows(LineItem.objects, "claim__applicant__slug", "claim__title", "position", "description", "amount"),
        "events": _rows(ClaimEvent.objects, "claim__applicant__slug", "action", "at", "amount"),
        "procurements": _rows(JointProcurement.objects, "title", "status", "estimated_amount", "contract_amount"),
        "participations": _rows(
            Participation.objects, "procurement__title", "municipality__slug", "status", "standalone_estimate"
        ),
        "kpis": _rows(KpiObservation.objects, "kpi__code", "date", "area__slug", "value"),
    }


def test_national_data_at_a_small_factor(national: None) -> None:
    """One build, every invariant (building takes a while even at 1/200)."""
    _counts_scale_with_the_factor()
    _claims_keep_the_money_rules()
    _procurement_shares_add_up_to_the_amount()


def _counts_scale_with_the_factor() -> None:
    assert SharedSystem.objects.count() == SIZE.systems == 50
    assert Adoption.objects.count() == SIZE.adoptions == 1000
    # COPY skips the model signals: the generator counts each system's organizations itself.
    in_use = Counter(Adoption.objects.filter(status="in_use").values_list("system_id", flat=True))
    assert {pk: n for pk, n in SharedSystem.objects.values_list("pk", "adoption_count") if n} == in_use
    assert Claim.objects.count() == SIZE.claims == 100
    assert LineItem.objects.count() == SIZE.line_items == 1000
    assert JointProcurement.objects.count() == SIZE.procurements == 10
    assert Participation.objects.count() == SIZE.participations == 75
    assert KpiObservation.objects.filter(kpi__code__startswith="nat-").count() == SIZE.kpi_observations == 500
    # 20 businesses × 40 steps for each municipality written, real municipalities only.
    per_municipality = StepProgress.objects.values("municipality").annotate(n=Count("id"))
    assert len(per_municipality) == SIZE.municipalities == 9
    assert {row["n"] for row in per_municipality} == {800}
    kinds = set(Organization.objects.filter(pk__in=Claim.objects.values("applicant")).values_list("kind", flat=True))
    assert kinds <= {OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE}
    # Every municipality has its published migration status for each of the 20 businesses.
    assert (
        MigrationStatus.objects.count() == 20 * Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count()
    )


def _claims_keep_the_money_rules() -> None:
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    lines = dict(LineItem.objects.values_list("claim").annotate(total=Sum("amount")))
    actual = dict(ActualLineItem.objects.values_list("claim").annotate(total=Sum("amount")))
    events = defaultdict(list)
    for claim_id, to_status in ClaimEvent.objects.order_by("at", "pk").values_list("claim", "to_status"):
        events[claim_id].append(to_status)
    for claim in Claim.objects.select_related("program", "applicant"):
        program = claim.program
        assert claim.eligible_total == lines[claim.pk]
        assert claim.requested_amount == money.subsidy_amount(
            eligible_total=claim.eligible_total,
            rate=program.rate,
            rounding_unit=program.rounding_unit,
            cap=program.cap,
            cap_basis=program.cap_basis,
        )
        assert events[claim.pk][0] == "draft" and events[claim.pk][-1] == claim.status
        assert claim.version == len(events[claim.pk])
        if claim.status in DECIDED:
            assert 0 < claim.decided_amount <= claim.requested_amount  # type: ignore[operator]
            assert claim.decision_number and claim.decided_at is not None
        else:
            assert claim.decided_amount is None and claim.decision_number == ""
        if claim.status in ("reported", "fixed", "paid"):
            assert claim.actual_total == actual[claim.pk]
        if claim.status in ("fixed", "paid"):
            assert claim.fixed_amount == money.fixed_amount(
                decided=claim.decided_amount or 0,
                actual_total=claim.actual_total or 0,
                rate=program.rate,
                rounding_unit=program.rounding_unit,
                cap=program.cap,
                cap_basis=program.cap_basis,
            )
        if claim.status == "submitted":
            assert claim.applicant.kind == OrganizationKind.MUNICIPALITY  # a prefecture's claim goes to review
    numbers = [n for n in Claim.objects.values_list("decision_number", flat=True) if n]
    assert len(numbers) == len(set(numbers))
    # Budgets and caps hold exactly what the standing decisions take, never more than they have.
    taken: Counter[tuple[int, int]] = Counter()
    granted: Counter[tuple[int, int]] = Counter()
    for claim in Claim.objects.filter(status__in=DECIDED):
        amount = claim.fixed_amount if claim.fixed_amount is not None else claim.decided_amount
        taken[(claim.program_id, claim.fiscal_year)] += amount or 0
        granted[(claim.program_id, claim.applicant_id)] += amount or 0
    for budget in ProgramBudget.objects.all():
        assert budget.reserved == taken[(budget.program_id, budget.fiscal_year)] <= budget.budget
    assert len(set(Claim.objects.values_list("fiscal_year", flat=True))) == 5
    caps = OrganizationCap.objects.all()
    assert caps and all(cap.granted == granted[(cap.program_id, cap.organization_id)] <= cap.cap for cap in caps)


def _procurement_shares_add_up_to_the_amount() -> None:
    shared = 0
    for procurement in JointProcurement.objects.prefetch_related("participations__municipality"):
        assert procurement.share_equal + procurement.share_population + procurement.share_usage == 1
        participants = procurement.participations.all()
        assert all(p.municipality.prefecture_id == procurement.lead_prefecture_id for p in participants)
        preview = procurement.status in (Status.PLANNING, Status.RECRUITING)
        rows = shares_for(procurement, preview=preview)
        if rows:
            shared += 1
            assert sum(row.share.share for row in rows) == procurement.amount_shared
            for row in rows:
                assert abs(row.share.share - row.share.exact) < 1
    assert shared > 0


def test_same_seed_same_rows_and_the_dashboards_reconcile(national: None, client_as: Any) -> None:
    first = _snapshot()
    _build()
    assert _snapshot() == first

    builds = aggregates_build_all()
    assert {b.status for b in builds} == {BuildStatus.DONE}
    rows = AggregateRow.objects.filter(period=builds[0].period)
    money_rows = rows.filter(metric="subsidy_budget")
    decided = Claim.objects.filter(status__in=DECIDED).aggregate(n=Sum("decided_amount"))["n"]
    assert money_rows.filter(series="decided").aggregate(n=Sum("count"))["n"] == decided
    paid = Claim.objects.filter(status="paid").aggregate(n=Sum("fixed_amount"))["n"]
    assert money_rows.filter(series="paid").aggregate(n=Sum("count"))["n"] == paid
    counted = Claim.objects.exclude(status="draft").count()
    assert money_rows.filter(series="claims").aggregate(n=Sum("count"))["n"] == counted
    # Days to a decision count from the prefecture-bound submission, so municipalities' claims only.
    waited = Claim.objects.filter(status__in=[*DECIDED, "rejected"], applicant__kind="municipality").count()
    assert money_rows.filter(series="decision_days").aggregate(n=Sum("count"))["n"] == waited
    in_use = Adoption.objects.filter(status="in_use").count()
    assert rows.filter(metric="catalog_adoption", series="in_use").aggregate(n=Sum("count"))["n"] == in_use
    public = JointProcurement.objects.exclude(status=Status.PLANNING).count()
    assert rows.filter(metric="joint_procurement", series="procurements").aggregate(n=Sum("count"))["n"] == public
    observations = KpiObservation.objects.count()
    download = client_as("soumu-official").get("/dashboards/kpi.csv", {"chart": "observations"})
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(lines) == observations + 1  # and the header
    for path in ("/dashboards/subsidy-budget/", "/dashboards/"):
        assert client_as("soumu-official").get(path).status_code == 200
