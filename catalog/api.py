"""`/api/v1/catalog/`: patterns, systems, offerings, adoptions and migration statuses (API.md "Catalog")."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from portal import policy
from portal.api.exports import EXPORT_FORMATS, ExportMixin
from portal.api.permissions import PolicyScopedMixin
from portal.models import Organization

from . import reporting, search_results, selectors, services
from .freshness import catalog_version
from .models import (
    Adoption,
    AdoptionStatus,
    GovCloud,
    MigrationStatus,
    MigrationStatusValue,
    Offering,
    OfferingStatus,
    Pattern,
    SharedSystem,
    Source,
)
from .patterns import PATTERNS
from .serializers import (
    AdoptionSerializer,
    MigrationStatusSerializer,
    OfferingProposalSerializer,
    OfferingSerializer,
    PatternSerializer,
    ReviewSerializer,
    SystemDetailSerializer,
    SystemSerializer,
)


def _as_api_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class PatternsView(APIView):
    policy_actions = {"get": None}

    @extend_schema(
        responses=inline_serializer(
            "PatternList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": PatternSerializer(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        results = PatternSerializer([p.as_dict() for p in PATTERNS], many=True).data
        return Response({"count": len(results), "next": None, "previous": None, "results": results})


class SystemFilter(django_filters.FilterSet):
    pattern = django_filters.ChoiceFilter(choices=Pattern.choices)
    business_area = django_filters.CharFilter(field_name="business_areas__slug", distinct=True)
    gov_cloud = django_filters.ChoiceFilter(choices=GovCloud.choices)
    q = django_filters.CharFilter(method="filter_q", help_text="name or reading; folded (ﾏﾄﾞｸﾞﾁ = まどぐち = マドグチ)")
    ordering = django_filters.OrderingFilter(
        fields=(("adoption_count", "adoption_count"), ("name_kana", "name"), ("created_at", "created"))
    )

    class Meta:
        model = SharedSystem
        fields = ["pattern", "business_area", "gov_cloud", "q"]

    def filter_q(self, queryset: QuerySet[SharedSystem], name: str, value: str) -> QuerySet[SharedSystem]:
        return selectors.text_search(queryset, value)


class SystemViewSet(ExportMixin, PolicyScopedMixin, viewsets.ReadOnlyModelViewSet[SharedSystem]):
    export_file_stem = "catalog_systems"
    serializer_class = SystemSerializer
    filterset_class = SystemFilter
    lookup_field = "slug"
    policy_actions = {"list": None, "retrieve": None}

    def get_queryset(self) -> QuerySet[SharedSystem]:
        return selectors.systems_annotated(self.request.user).order_by("-adoption_count", "name_kana", "slug")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A page of systems, kept per URL under the catalog version (catalog/search_results.py): public data,
        the same for every caller, and a change to the catalog is in the next response."""
        if getattr(request.accepted_renderer, "format", None) in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)

        def compute() -> Any:
            return super(SystemViewSet, self).list(request, *args, **kwargs).data

        version = catalog_version()
        uri = request.build_absolute_uri()  # the page links in the answer name the host asked
        return Response(search_results.cached("systems-api", version, (uri,), compute, search_results.DATA_SECONDS))

    @extend_schema(
        responses=SystemDetailSerializer,
        parameters=[OpenApiParameter("for", str, description="a municipality code: its population band's users")],
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        system = selectors.system_detail(user=request.user, slug=kwargs["slug"])
        municipality = None
        code = request.query_params.get("for", "").strip()
        if code:
            municipality = Organization.objects.filter(code=code).first()
            if municipality is None:
                raise ValidationError({"for": [_("団体コード「%(code)s」の団体はありません。") % {"code": code}]})
        context = {
            "request": request,
            "adoption_by_prefecture": selectors.adoption_by_prefecture(system),
            "similar_adopters": selectors.similar_adopters(system=system, municipality=municipality),
        }
        return Response(SystemDetailSerializer(system, context=context).data)


class OfferingFilter(django_filters.FilterSet):
    system = django_filters.CharFilter(field_name="system__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    status = django_filters.ChoiceFilter(choices=OfferingStatus.choices)

    class Meta:
        model = Offering
        fields = ["system", "vendor", "status"]


class OfferingViewSet(
    ExportMixin,
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Offering],
):
    serializer_class = OfferingSerializer
    export_file_stem = "offerings"
    filterset_class = OfferingFilter
    lookup_field = "slug"
    policy_actions = {
        "list": None,
        "retrieve": None,
        "create": "catalog.propose_offering",
        "publish": "catalog.review_offering",
        "decline": "catalog.review_offering",
    }

    def get_queryset(self) -> QuerySet[Offering]:
        return selectors.visible_offerings(self.request.user).order_by("system__slug", "product_name")

    @extend_schema(request=OfferingProposalSerializer, responses={201: OfferingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = OfferingProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        data = dict(proposal.validated_data)
        system = data.pop("system")
        vendor = policy.org_of(request.user)
        try:
            offering = services.offering_propose(
                actor=request.user, system=system, vendor=vendor, slug=data.pop("slug"), data=data
            )
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(OfferingSerializer(offering).data, status=status.HTTP_201_CREATED)

    def _review(self, request: Request, publish: bool) -> Response:
        offering = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data["comment"]
        try:
            if publish:
                services.offering_publish(actor=request.user, offering=offering, comment=comment)
            else:
                services.offering_decline(actor=request.user, offering=offering, comment=comment)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(OfferingSerializer(offering).data)

    @extend_schema(request=ReviewSerializer, responses=OfferingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str) -> Response:
        return self._review(request, publish=True)

    @extend_schema(request=ReviewSerializer, responses=OfferingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, slug: str) -> Response:
        return self._review(request, publish=False)


class MigrationStatusFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__code")
    prefecture = django_filters.CharFilter(method="filter_prefecture", help_text="13 or 130001")
    business = django_filters.CharFilter(field_name="business__slug")
    status = django_filters.ChoiceFilter(choices=MigrationStatusValue.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = MigrationStatus
        fields = ["municipality", "prefecture", "business", "status", "source"]

    def filter_prefecture(self, queryset: QuerySet[MigrationStatus], name: str, value: str) -> Any:
        value = value.strip()
        number = value[:2] if len(value) == 6 else value.zfill(2)
        return queryset.filter(municipality__prefecture_code=number)


class MigrationStatusViewSet(
    ExportMixin,
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[MigrationStatus],
):
    queryset = MigrationStatus.objects.select_related("municipality", "business").order_by(
        "municipality__code", "business__order"
    )
    serializer_class = MigrationStatusSerializer
    export_file_stem = "migration_status"
    filterset_class = MigrationStatusFilter
    http_method_names = ["get", "put", "head", "options"]
    policy_actions = {"list": None, "retrieve": None, "update": "catalog.update_migration_status"}

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        body = self.get_serializer(row, data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        try:
            saved = reporting.migration_status_update(actor=request.user, status_row=row, data=data, version=version)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(self.get_serializer(saved).data)


class AdoptionFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__slug")
    system = django_filters.CharFilter(field_name="system__slug")
    status = django_filters.ChoiceFilter(choices=AdoptionStatus.choices)

    class Meta:
        model = Adoption
        fields = ["organization", "system", "status"]


class AdoptionViewSet(
    ExportMixin,
    PolicyScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Adoption],
):
    """Adoptions: `in_use` and `retired` are public; the rest only for the organization, its prefecture and the State.
    POST records (or changes) the caller's own organization's adoption of a system."""

    queryset = Adoption.objects.select_related("organization", "system", "offering").order_by("organization__slug")
    serializer_class = AdoptionSerializer
    export_file_stem = "adoptions"
    filterset_class = AdoptionFilter
    policy_actions = {
        "list": None,
        "retrieve": None,
        "create": "catalog.edit_adoption",
        "destroy": "catalog.edit_adoption",
    }

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        offering = data.get("offering")
        if offering is not None and not policy.visible(request.user, Offering.objects.filter(pk=offering.pk)).exists():
            raise ValidationError({"offering": [_("この提供サービスは選べません。")]})
        organization = policy.org_of(request.user)
        try:
            adoption = services.adoption_save(actor=request.user, organization=organization, **data)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(self.get_serializer(adoption).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        adoption = self.get_object()
        services.adoption_delete(actor=request.user, adoption=adoption)
        return Response(status=status.HTTP_204_NO_CONTENT)


router = SimpleRouter(use_regex_path=False)
router.register("systems", SystemViewSet, basename="catalog-system")
router.register("offerings", OfferingViewSet, basename="catalog-offering")
router.register("migration-status", MigrationStatusViewSet, basename="catalog-migration-status")
router.register("adoptions", AdoptionViewSet, basename="catalog-adoption")

urlpatterns = [
    path("patterns/", PatternsView.as_view(), name="catalog-patterns"),
    path("", include(router.urls)),
]
