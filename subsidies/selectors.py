"""Reads for claims and programs: totals, lists, work queues."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from portal import policy
from portal.models import Organization, OrganizationKind

from . import money
from .checks import line_problems, matchers_for
from .models import Claim, ClaimStatus, LineItem, OrganizationCap, Program, ProgramBudget


@dataclass(frozen=True)
class Totals:
    eligible_total: int
    subsidy_at_rate: int  # before the organization's remaining cap
    remaining_cap: int | None
    requested_amount: int
    unresolved: int  # lines with an unresolved problem


def remaining_cap(program: Program, organization: Organization) -> int | None:
    """The organization's remaining cap under the program (補助上限額 − granted), None where it has none."""
    if not program.uses_organization_caps:
        return None
    cap = OrganizationCap.objects.filter(program=program, organization=organization).first()
    return cap.remaining if cap is not None else None


def program_subsidy(program: Program, eligible_total: int, *, remaining: int | None = None) -> int:
    return money.subsidy_amount(
        eligible_total=eligible_total,
        rate=program.rate,
        rounding_unit=program.rounding_unit,
        cap=program.cap,
        cap_basis=program.cap_basis,
        remaining_cap=remaining,
    )


def claim_totals(program: Program, organization: Organization, lines: Iterable[Mapping[str, Any]]) -> Totals:
    """The running totals of a set of lines: what the claim page and the line checker show."""
    matchers = matchers_for(program)
    eligible_total = 0
    unresolved = 0
    for line in lines:
        eligible_total += int(line.get("amount") or 0)
        problems = line_problems(
            matchers,
            category=line.get("category", ""),
            description=line.get("description", ""),
            justification=line.get("justification", ""),
        )
        if any(not p["resolved"] for p in problems):
            unresolved += 1
    remaining = remaining_cap(program, organization)
    return Totals(
        eligible_total=eligible_total,
        subsidy_at_rate=program_subsidy(program, eligible_total),
        remaining_cap=remaining,
        requested_amount=program_subsidy(program, eligible_total, remaining=remaining),
        unresolved=unresolved,
    )


def claim_queryset() -> QuerySet[Claim]:
    return Claim.objects.select_related(
        "applicant", "applicant__prefecture", "program", "program__owner", "digiden_plan"
    )


def claim_detail_queryset() -> QuerySet[Claim]:
    return claim_queryset().prefetch_related(
        Prefetch("line_items", queryset=LineItem.objects.order_by("position", "pk")),
        "actual_line_items",
        "attachments",
        "businesses",
        "program__categories",
        "program__ineligible_rules",
    )


def claim_list(
    *,
    user: Any,
    program: str = "",
    fiscal_year: int | None = None,
    status: str = "",
    prefecture: str = "",
    applicant: str = "",
    q: str = "",
) -> QuerySet[Claim]:
    """The claims a user may see, filtered. `prefecture` takes the 2-digit number or the 6-digit code."""
    queryset = policy.visible(user, claim_queryset())
    if program:
        queryset = queryset.filter(program__code=program)
    if fiscal_year:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if status:
        queryset = queryset.filter(status=status)
    if prefecture:
        number = prefecture[:2] if len(prefecture) == 6 else prefecture.zfill(2)
        queryset = queryset.filter(applicant__prefecture_code=number)
    if applicant:
        queryset = queryset.filter(applicant__slug=applicant)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(applicant__name__icontains=q))
    return queryset.order_by("-updated_at", "-pk")


# The claim's own columns the API list shows (serializers.ClaimListSerializer).
SUMMARY_FIELDS = [
    "id",
    "status",
    "fiscal_year",
    "title",
    "eligible_total",
    "requested_amount",
    "decided_amount",
    "actual_total",
    "fixed_amount",
    "version",
    "decision_number",
    "submitted_at",
    "decided_at",
    "fixed_at",
    "paid_at",
    "created_at",
    "updated_at",
]


def claim_summaries(claims: QuerySet[Claim]) -> QuerySet[Any]:
    """The claims as rows of the API list: their own columns, the applicant's and program's codes, a line count.

    Subqueries rather than joins: the paginator's count then reads the claims alone, and each subquery runs for
    the rows of the page only. Rows are dictionaries: a list page of plain values, no model instances.
    """
    lines = LineItem.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk"))
    return (
        claims.select_related(None)
        .prefetch_related(None)
        .values(*SUMMARY_FIELDS)
        .annotate(
            applicant_code=Subquery(Organization.objects.filter(pk=OuterRef("applicant_id")).order_by().values("slug")),
            program_code=Subquery(Program.objects.filter(pk=OuterRef("program_id")).order_by().values("code")),
            line_count=Coalesce(Subquery(lines.values("n")), 0),
        )
    )


def with_businesses(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds to each summary row the slugs of its businesses (in the businesses' own order): one query a page."""
    slugs: dict[int, list[str]] = defaultdict(list)
    links = Claim.businesses.through.objects.filter(claim_id__in=[row["id"] for row in rows])
    for claim_id, slug in links.order_by("businessarea__order", "businessarea__code").values_list(
        "claim_id", "businessarea__slug"
    ):
        slugs[claim_id].append(slug)
    for row in rows:
        row["businesses"] = slugs[row["id"]]
    return rows


def work_queue(user: Any) -> QuerySet[Claim]:
    """The claims waiting for this user to act: what the table lets them do next."""
    org = policy.org_of(user)
    visible = policy.visible(user, claim_queryset())
    if org is None:
        return visible.none()
    if org.kind == OrganizationKind.NATIONAL:
        return visible.filter(
            program__owner=org,
            status__in=[ClaimStatus.UNDER_REVIEW, ClaimStatus.REPORTED, ClaimStatus.FIXED],
        ).exclude(status=ClaimStatus.FIXED, fixed_by=user)
    own = Q(applicant=org)
    if user.is_manager:
        mine = own & Q(status__in=[ClaimStatus.DRAFT, ClaimStatus.RETURNED, ClaimStatus.APPROVED])
    else:
        mine = own & Q(status__in=[ClaimStatus.DRAFT, ClaimStatus.RETURNED])
    if org.kind == OrganizationKind.PREFECTURE:
        mine |= Q(applicant__prefecture=org, status=ClaimStatus.SUBMITTED)
    return visible.filter(mine).order_by("updated_at")


def money_by_program_year() -> list[dict[str, Any]]:
    """Per program and fiscal year: budget, decided (reserved by approvals), paid — for the money dashboards."""
    paid = {
        (row["program_id"], row["fiscal_year"]): row["total"] or 0
        for row in Claim.objects.filter(status=ClaimStatus.PAID)
        .values("program_id", "fiscal_year")
        .annotate(total=Sum("fixed_amount"))
    }
    return [
        {
            "program": budget.program.code,
            "fiscal_year": budget.fiscal_year,
            "label": budget.label,
            "budget": budget.budget,
            "decided": budget.reserved,
            "paid": int(paid.get((budget.program_id, budget.fiscal_year), 0)),
            "is_demo": budget.is_demo,
        }
        for budget in ProgramBudget.objects.select_related("program").order_by("program__code", "fiscal_year")
    ]
