"""The catalog's API shapes (API.md "Catalog"): field names exactly as the contract writes them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import policy

from .models import Adoption, AdoptionStatus, MigrationStatus, MigrationStatusValue, Offering, SharedSystem


def _org_code(org: Any) -> str | None:
    return (org.code or org.slug) if org is not None else None


class SystemSerializer(serializers.ModelSerializer[SharedSystem]):
    business_areas = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    adoption_count = serializers.IntegerField(read_only=True, help_text="organizations with the system in use")
    offerings_count = serializers.IntegerField(read_only=True, help_text="published offerings")

    class Meta:
        model = SharedSystem
        fields = [
            "slug",
            "name",
            "name_kana",
            "pattern",
            "business_areas",
            "owner",
            "gov_cloud",
            "lifecycle",
            "adoption_count",
            "offerings_count",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_business_areas(self, obj: SharedSystem) -> list[str]:
        areas = getattr(obj, "area_list", None)  # prefetched by selectors.systems_annotated
        return [area.slug for area in (obj.business_areas.all() if areas is None else areas)]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, obj: SharedSystem) -> str | None:
        return _org_code(obj.owner)


class OfferingSerializer(serializers.ModelSerializer[Offering]):
    system = serializers.CharField(source="system.slug", read_only=True)
    vendor = serializers.CharField(source="vendor.slug", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    adoption_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Offering
        fields = [
            "slug",
            "system",
            "vendor",
            "vendor_name",
            "product_name",
            "spec_version",
            "price_model",
            "price_min",
            "price_max",
            "gov_cloud_hosted",
            "marketplace_url",
            "status",
            "adoption_count",
        ]
        read_only_fields = ["status"]


class OfferingProposalSerializer(serializers.ModelSerializer[Offering]):
    """What a vendor sends to propose an offering (`system` by slug; the vendor is the caller's company)."""

    system = serializers.SlugRelatedField(slug_field="slug", queryset=SharedSystem.objects.all())

    class Meta:
        model = Offering
        fields = [
            "slug",
            "system",
            "product_name",
            "spec_version",
            "price_model",
            "price_min",
            "price_max",
            "gov_cloud_hosted",
            "marketplace_url",
        ]


class PatternSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=["A", "B", "standardized", "individual"])
    name = serializers.CharField()
    owner = serializers.CharField(help_text="owner of the system")
    procures = serializers.CharField(help_text="what the municipality procures")
    systems_built = serializers.CharField()
    example = serializers.CharField()
    how_common = serializers.CharField(help_text="how it is made common")
    merit = serializers.CharField()
    challenge = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class ReviewSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrganizationRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    prefecture = serializers.CharField(allow_null=True)


class PrefectureCountSerializer(serializers.Serializer[Any]):
    prefecture = serializers.CharField()
    prefecture_code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class SystemDetailSerializer(SystemSerializer):
    offerings = serializers.SerializerMethodField()
    adoption_by_prefecture = serializers.SerializerMethodField()
    similar_adopters = serializers.SerializerMethodField()

    class Meta(SystemSerializer.Meta):
        fields = [
            *SystemSerializer.Meta.fields,
            "description",
            "spec_name",
            "spec_version",
            "offerings",
            "adoption_by_prefecture",
            "similar_adopters",
        ]

    @extend_schema_field(OfferingSerializer(many=True))
    def get_offerings(self, obj: SharedSystem) -> list[dict[str, Any]]:
        return list(OfferingSerializer(getattr(obj, "visible_offerings", []), many=True).data)

    @extend_schema_field(PrefectureCountSerializer(many=True))
    def get_adoption_by_prefecture(self, obj: SharedSystem) -> list[dict[str, Any]]:
        return self.context.get("adoption_by_prefecture", [])

    @extend_schema_field(OrganizationRefSerializer(many=True))
    def get_similar_adopters(self, obj: SharedSystem) -> list[dict[str, Any]]:
        return [
            {"code": o.code, "name": o.name, "prefecture": o.prefecture.name if o.prefecture else None}
            for o in self.context.get("similar_adopters", [])
        ]


class MigrationStatusSerializer(serializers.ModelSerializer[MigrationStatus]):
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    business = serializers.CharField(source="business.slug", read_only=True)
    status = serializers.ChoiceField(choices=MigrationStatusValue.choices)
    planned_fiscal_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    vendor = serializers.SerializerMethodField()
    vendor_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    on_gov_cloud = serializers.BooleanField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(help_text="the version last read; a stale one is 409")

    class Meta:
        model = MigrationStatus
        fields = [
            "id",
            "municipality",
            "municipality_name",
            "business",
            "status",
            "planned_fiscal_year",
            "vendor",
            "vendor_name",
            "on_gov_cloud",
            "step_completion",
            "source",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "step_completion", "source", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_vendor(self, obj: MigrationStatus) -> str | None:
        """Vendor names are shown to logged-in users only (DESIGN.md)."""
        request = self.context.get("request")
        if request is None or not policy.check(request.user, "catalog.view_vendor_names"):
            return None
        return obj.vendor_name or None


class AdoptionSerializer(serializers.ModelSerializer[Adoption]):
    organization = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    system = serializers.SlugRelatedField(slug_field="slug", queryset=SharedSystem.objects.all())
    offering = serializers.SlugRelatedField(
        slug_field="slug", queryset=Offering.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=AdoptionStatus.choices)

    class Meta:
        model = Adoption
        fields = ["id", "organization", "organization_name", "system", "offering", "status", "since", "note"]
        read_only_fields = ["id"]

    @extend_schema_field(serializers.CharField())
    def get_organization(self, obj: Adoption) -> str | None:
        return _org_code(obj.organization)
