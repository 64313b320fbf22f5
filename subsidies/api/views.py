"""`/api/v1/subsidies/`: programs, caps, claims and their transitions (API.md "Subsidies")."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import BusinessArea
from portal import policy
from portal.api.errors import Conflict
from portal.api.exports import EXPORT_FORMATS, ExportMixin
from portal.api.permissions import PolicyScopedMixin

from .. import selectors, services
from ..checks import line_problems, matchers_for, validate_lines
from ..errors import ClaimConflict, ClaimError, ClaimInvalid
from ..models import Claim, OrganizationCap, Program, ProgramBudget
from . import serializers as s

# Token first: an anonymous caller then gets 401 with `WWW-Authenticate: Token`, as API.md says, not 403.


def refusal(error: ClaimError) -> Response:
    """A service's refusal in the API's error shape: 409 for a conflict, 400 for bad input."""
    if isinstance(error, ClaimConflict):
        raise Conflict(error.message)
    return Response({"detail": error.message, "errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)


def _businesses(slugs: list[str]) -> list[BusinessArea]:
    found = list(BusinessArea.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {b.slug for b in found})
    if missing:
        raise ClaimInvalid("業務分野が見つかりません。", {"businesses": [", ".join(missing)]})
    return found


class ProgramViewSet(ExportMixin, PolicyScopedMixin, viewsets.ReadOnlyModelViewSet[Program]):
    queryset = Program.objects.select_related("owner").prefetch_related("categories", "ineligible_rules", "budgets")
    serializer_class = s.ProgramSerializer
    export_file_stem = "programs"
    lookup_field = "code"
    policy_actions = {"list": None, "retrieve": None}


class CapFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__slug")
    program = django_filters.CharFilter(field_name="program__code")

    class Meta:
        model = OrganizationCap
        fields = ["organization", "program"]


class CapViewSet(ExportMixin, PolicyScopedMixin, viewsets.ReadOnlyModelViewSet[OrganizationCap]):
    queryset = OrganizationCap.objects.select_related("organization", "program").order_by("program", "organization")
    serializer_class = s.CapSerializer
    export_file_stem = "caps"
    filterset_class = CapFilter
    policy_actions = {"list": "subsidies.use_claims", "retrieve": "subsidies.use_claims"}


class ClaimViewSet(
    ExportMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Claim],
):
    serializer_class = s.ClaimSerializer
    export_file_stem = "claims"

    http_method_names = ["get", "post", "patch", "head", "options"]
    policy_actions = {
        "list": "subsidies.use_claims",
        "retrieve": "subsidies.use_claims",
        "create": "subsidies.create_claim",
        "partial_update": "subsidies.use_claims",
        "transitions": "subsidies.use_claims",
        "history": "subsidies.use_claims",
    }

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action == "list":
            params = self.request.query_params
            fiscal_year = params.get("fiscal_year", "")
            claims = selectors.claim_list(
                user=self.request.user,
                program=params.get("program", ""),
                fiscal_year=int(fiscal_year) if fiscal_year.isdigit() else None,
                status=params.get("status", ""),
                prefecture=params.get("prefecture", ""),
                applicant=params.get("applicant", ""),
            )
            if self._exporting():
                return claims.prefetch_related(
                    "line_items", "actual_line_items", "businesses", "program__ineligible_rules"
                )
            return selectors.claim_summaries(claims)
        return policy.visible(self.request.user, selectors.claim_detail_queryset())

    def _exporting(self) -> bool:
        """A `?format=csv|xlsx` export keeps every field of the detail, lines included (one row per claim)."""
        return getattr(getattr(self.request, "accepted_renderer", None), "format", None) in EXPORT_FORMATS

    def get_serializer_class(self) -> type[Any]:
        if self.action == "list" and not self._exporting():
            return s.ClaimListSerializer
        return s.ClaimSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="draft, submitted, under_review, returned, approved, …"),
            OpenApiParameter("program", str, description="program code"),
            OpenApiParameter("fiscal_year", int),
            OpenApiParameter("applicant", str, description="the applicant's 6-digit code"),
            OpenApiParameter("prefecture", str, description="2-digit number or 6-digit code"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if self._exporting():
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = selectors.with_businesses(cast(list[dict[str, Any]], page or []))  # claim_summaries: dictionaries
        return self.get_paginated_response(s.ClaimListSerializer(rows, many=True).data)

    def _fresh(self, claim: Claim) -> Response:
        claim = selectors.claim_detail_queryset().get(pk=claim.pk)
        return Response(s.ClaimSerializer(claim, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ClaimCreateSerializer, responses={201: s.ClaimSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            claim = services.claim_create(
                actor=request.user,
                program=values["program"],
                fiscal_year=values["fiscal_year"],
                title=values["title"],
                line_items=values["line_items"],
                businesses=_businesses(values["businesses"]),
            )
        except ClaimError as error:
            return refusal(error)
        response = self._fresh(claim)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.ClaimUpdateSerializer, responses={200: s.ClaimSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        data = s.ClaimUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            if "businesses" in values:
                values["businesses"] = _businesses(values["businesses"])
            claim = services.claim_update(claim=claim, actor=request.user, **values)
        except ClaimError as error:
            return refusal(error)
        return self._fresh(claim)

    @extend_schema(request=s.ClaimTransitionSerializer, responses={200: s.ClaimSerializer})
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = s.ClaimTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            claim = services.claim_transition(
                claim=claim,
                actor=request.user,
                action=values["action"],
                comment=values.get("comment", ""),
                amount=values.get("amount"),
                actual_line_items=values.get("actual_line_items"),
            )
        except ClaimError as error:
            return refusal(error)
        return self._fresh(claim)

    @extend_schema(responses={200: s.HistorySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        events = claim.events.select_related("actor", "actor_organization").order_by("at", "pk")
        return Response(s.HistorySerializer(events, many=True).data)


class CheckView(APIView):
    """`POST /api/v1/subsidies/check/`: the problems of each line and the running totals, without saving.

    The claim form calls it as the user types; saving shows the same problems server-side.
    """

    policy_actions = {"post": "subsidies.use_claims"}

    @extend_schema(request=s.CheckSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = s.CheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program: Program = data.validated_data["program"]
        raw = data.validated_data["line_items"]
        clean, errors = validate_lines(program, raw)
        matchers = matchers_for(program)
        lines = []
        for index, line in enumerate(clean):
            prefix = f"line_items[{index}]."
            lines.append(
                {
                    "errors": [m for key, msgs in errors.items() if key.startswith(prefix) for m in msgs],
                    "problems": line_problems(
                        matchers,
                        category=line["category"],
                        description=line["description"],
                        justification=line["justification"],
                    ),
                }
            )
        organization = request.user.organization  # type: ignore[union-attr]
        totals = selectors.claim_totals(program, organization, clean) if organization else None
        budget = ProgramBudget.objects.filter(program=program).order_by("-fiscal_year").first()
        return Response(
            {
                "line_items": lines,
                "eligible_total": totals.eligible_total if totals else 0,
                "subsidy_at_rate": totals.subsidy_at_rate if totals else 0,
                "remaining_cap": totals.remaining_cap if totals else None,
                "requested_amount": totals.requested_amount if totals else 0,
                "unresolved": totals.unresolved if totals else 0,
                "rate": program.rate_label,
                "rounding_unit": program.rounding_unit,
                "latest_budget_year": budget.fiscal_year if budget else None,
            }
        )
