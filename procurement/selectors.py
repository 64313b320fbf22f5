"""Reads of joint procurements: the register, the dashboard, the shares of one case, a system's cases."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from portal import policy
from portal.models import Organization, OrganizationKind
from portal.selectors import prefecture_filter

from .models import (
    PREVIEW_STATUSES,
    PUBLIC_STATUSES,
    JointProcurement,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
)
from .sharing import Party, Share, compute_shares, parse_weights

COMMITTED = Q(participations__status=ParticipationStatus.COMMITTED)


def with_participant_counts(queryset: QuerySet[JointProcurement]) -> QuerySet[JointProcurement]:
    """Adds `committed_count`, `invited_count` and `committed_population` (one query, no N+1)."""
    return queryset.select_related("lead_prefecture", "category").annotate(
        committed_count=Count("participations", filter=COMMITTED, distinct=True),
        invited_count=Count("participations", distinct=True),
        committed_population=Coalesce(Sum("participations__municipality__population", filter=COMMITTED), 0),
    )


def procurement_search(
    *,
    queryset: QuerySet[JointProcurement],
    q: str = "",
    prefecture: str = "",
    category: str = "",
    status: str = "",
    method: str = "",
    system: str = "",
) -> QuerySet[JointProcurement]:
    if q.strip():
        queryset = queryset.filter(title__icontains=q.strip())
    if prefecture:
        queryset = queryset.filter(
            lead_prefecture__in=Organization.objects.filter(prefecture_filter(prefecture), kind="prefecture")
        )
    if category:
        queryset = queryset.filter(category__slug=category)
    if status:
        queryset = queryset.filter(status=status)
    if method:
        queryset = queryset.filter(method=method)
    if system:
        queryset = queryset.filter(system__slug=system)
    return queryset


def register(*, user: Any, **filters: str) -> QuerySet[JointProcurement]:
    """The procurements the user may see, filtered, with participant counts, newest first."""
    queryset = procurement_search(queryset=policy.visible(user, JointProcurement.objects.all()), **filters)
    return with_participant_counts(queryset).order_by("-created_at", "-pk")


def my_invitations(*, user: Any) -> QuerySet[Participation]:
    """The invitations of the user's municipality that can still be answered or changed."""
    org = policy.org_of(user)
    if org is None or org.kind != OrganizationKind.MUNICIPALITY:
        return Participation.objects.none()
    return (
        Participation.objects.filter(municipality=org, procurement__status__in=["planning", "recruiting"])
        .select_related("procurement", "procurement__lead_prefecture", "procurement__category")
        .order_by("procurement__recruiting_deadline", "procurement__pk")
    )


def procurement_detail(*, user: Any, pk: Any) -> JointProcurement:
    """One procurement the user may see (404 otherwise) with its participants and documents."""
    queryset = JointProcurement.objects.select_related(
        "lead_prefecture", "category", "system", "awarded_vendor"
    ).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("municipality", "answered_by")),
        "documents",
    )
    return policy.get_visible_or_404(user, queryset, pk=pk)


def participants_for_shares(procurement: JointProcurement, *, preview: bool = False) -> list[Participation]:
    """Committed participants, or for a preview the invited ones not declined or withdrawn."""
    statuses = PREVIEW_STATUSES if preview else [ParticipationStatus.COMMITTED]
    return sorted(
        (p for p in procurement.participations.all() if p.status in statuses), key=lambda p: p.municipality.code or ""
    )


@dataclass(frozen=True)
class ShareRow:
    municipality: Organization
    share: Share


def shares_for(procurement: JointProcurement, *, preview: bool = False) -> list[ShareRow]:
    """The shares of a procurement over its participants (empty while there is no amount to share)."""
    total = procurement.amount_shared
    participations = participants_for_shares(procurement, preview=preview)
    if total is None or not participations:
        return []
    parties = [
        Party(
            code=p.municipality.code or "",
            population=p.municipality.population or 0,
            usage_units=p.usage_units or 0,
            standalone_estimate=p.standalone_estimate,
        )
        for p in participations
    ]
    shares = compute_shares(total=total, parties=parties, weights=procurement.weights)
    return [ShareRow(municipality=p.municipality, share=s) for p, s in zip(participations, shares, strict=True)]


def procurements_for_system(*, user: Any, system: Any) -> QuerySet[JointProcurement]:
    """The joint procurements of a catalog system that the user may see, for the system's page."""
    queryset = policy.visible(user, JointProcurement.objects.filter(system=system))
    return with_participant_counts(queryset).order_by("-created_at", "-pk")


# The name the catalog's system page looks up (catalog/views/browse.py); the same function.


# The public dashboard (共同調達ダッシュボード): counts and lists only ---------------------------------


@dataclass
class MatrixRow:
    prefecture: Organization
    cells: list[tuple[int, int]]  # per category: (procurements, participating municipalities)
    procurements: int
    municipalities: int


def dashboard_matrix() -> tuple[list[ProcurementCategory], list[MatrixRow], list[tuple[int, int]]]:
    """Prefectures × categories: counts of public procurements and of participating (committed) municipalities.

    A municipality in two procurements of a cell counts once there; row and column totals count distinct
    municipalities too. Three queries.
    """
    categories = list(ProcurementCategory.objects.all())
    prefectures = list(Organization.objects.filter(kind=OrganizationKind.PREFECTURE).order_by("code"))
    procurement_counts = (
        JointProcurement.objects.filter(status__in=PUBLIC_STATUSES)
        .values("lead_prefecture_id", "category_id")
        .annotate(n=Count("pk"))
    )
    counts = {(r["lead_prefecture_id"], r["category_id"]): r["n"] for r in procurement_counts}
    members = Participation.objects.filter(
        status=ParticipationStatus.COMMITTED, procurement__status__in=PUBLIC_STATUSES
    ).values_list("procurement__lead_prefecture_id", "procurement__category_id", "municipality_id")
    cell_members: dict[tuple[int, int], set[int]] = defaultdict(set)
    for prefecture_id, category_id, municipality_id in members:
        cell_members[(prefecture_id, category_id)].add(municipality_id)
    rows = []
    for prefecture in prefectures:
        cells, row_members = [], set()
        for category in categories:
            key = (prefecture.pk, category.pk)
            cells.append((counts.get(key, 0), len(cell_members[key])))
            row_members |= cell_members[key]
        rows.append(MatrixRow(prefecture, cells, sum(c[0] for c in cells), len(row_members)))
    totals = []
    for category in categories:
        column_members = set().union(*(cell_members[(p.pk, category.pk)] for p in prefectures))
        totals.append((sum(counts.get((p.pk, category.pk), 0) for p in prefectures), len(column_members)))
    return categories, rows, totals


def dashboard_cases(
    *,
    category: str = "",
    prefecture: str = "",
    population_min: int | None = None,
    population_max: int | None = None,
    participants_min: int | None = None,
    participants_max: int | None = None,
) -> QuerySet[JointProcurement]:
    """Public cases for finding one of a similar scale: participants' total population and their number.

    Listed by prefecture code and registration (never by "best")."""
    queryset = with_participant_counts(
        procurement_search(
            queryset=JointProcurement.objects.filter(status__in=PUBLIC_STATUSES),
            category=category,
            prefecture=prefecture,
        )
    )
    if population_min is not None:
        queryset = queryset.filter(Q(committed_population__gte=population_min))
    if population_max is not None:
        queryset = queryset.filter(Q(committed_population__lte=population_max))
    if participants_min is not None:
        queryset = queryset.filter(Q(committed_count__gte=participants_min))
    if participants_max is not None:
        queryset = queryset.filter(Q(committed_count__lte=participants_max))
    return queryset.order_by("lead_prefecture__code", "pk")


def municipalities_of(prefecture: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, prefecture=prefecture).order_by("code")


def preview_shares(
    *,
    prefecture: Organization,
    amount: int | None,
    weights: dict[str, str],
    codes: list[str],
    procurement: JointProcurement | None = None,
) -> list[ShareRow]:
    """Shares for a rule being edited: over the chosen municipalities that have not declined or withdrawn,
    with the usage units and standalone estimates they gave."""
    if amount is None or not codes:
        return []
    existing = {p.municipality_id: p for p in procurement.participations.all()} if procurement else {}
    municipalities = [
        m
        for m in municipalities_of(prefecture).filter(code__in=codes)
        if m.pk not in existing or existing[m.pk].status in PREVIEW_STATUSES
    ]
    parties = []
    for m in municipalities:
        answer = existing.get(m.pk)
        parties.append(
            Party(
                code=m.code or "",
                population=m.population or 0,
                usage_units=(answer.usage_units or 0) if answer else 0,
                standalone_estimate=answer.standalone_estimate if answer else None,
            )
        )
    shares = compute_shares(total=amount, parties=parties, weights=parse_weights(weights))
    return [ShareRow(municipality=m, share=s) for m, s in zip(municipalities, shares, strict=True)]
