"""`/api/v1/organizations/`: the directory of organizations (public)."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from portal import selectors
from portal.models import Organization, OrganizationKind

from .exports import ExportMixin
from .permissions import PolicyScopedMixin


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    code = serializers.CharField(source="slug", help_text="6-digit code (local governments) or slug")
    prefecture_code = serializers.SerializerMethodField()
    prefecture = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "name_kana",
            "kind",
            "municipality_type",
            "prefecture_code",
            "prefecture",
            "population",
            "population_band",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_prefecture_code(self, obj: Organization) -> str | None:
        return obj.prefecture_code or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_prefecture(self, obj: Organization) -> str | None:
        if obj.kind == OrganizationKind.PREFECTURE:
            return obj.code
        return obj.prefecture.code if obj.prefecture is not None else None


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    prefecture = django_filters.CharFilter(method="filter_prefecture", help_text="13 or 130001")
    q = django_filters.CharFilter(method="filter_q", help_text="name or kana")

    class Meta:
        model = Organization
        fields = ["kind", "prefecture", "q"]

    def filter_prefecture(self, queryset: Any, name: str, value: str) -> Any:
        return selectors.organization_search(queryset=queryset, prefecture=value)

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        return selectors.organization_search(queryset=queryset, q=value)


class OrganizationViewSet(ExportMixin, PolicyScopedMixin, viewsets.ReadOnlyModelViewSet[Organization]):
    export_file_stem = "organizations"
    queryset = Organization.objects.select_related("prefecture").order_by("slug")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "slug"
    lookup_url_kwarg = "code"
    policy_actions = {"list": None, "retrieve": None}
