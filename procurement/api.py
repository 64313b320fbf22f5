"""`/api/v1/procurement/`: joint procurements, their shares, the intent survey and the OCDS release package."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from portal import policy
from portal.api.errors import Conflict
from portal.api.exports import ExportMixin
from portal.api.permissions import PolicyScopedMixin

from . import ocds, selectors, services, workflow
from .models import (
    ANSWER_CHOICES,
    Funding,
    JointProcurement,
    Method,
    Participation,
    ParticipationStatus,
    ProcurementCategory,
    Status,
)


class ParticipantSerializer(serializers.ModelSerializer[Participation]):
    municipality = serializers.CharField(source="municipality.code")
    name = serializers.CharField(source="municipality.name")
    population = serializers.IntegerField(source="municipality.population", allow_null=True)

    class Meta:
        model = Participation
        fields = [
            "municipality",
            "name",
            "population",
            "status",
            "comment",
            "usage_units",
            "standalone_estimate",
            "answered_at",
        ]


class JointProcurementSerializer(serializers.ModelSerializer[JointProcurement]):
    lead_prefecture = serializers.CharField(source="lead_prefecture.code")
    category = serializers.CharField(source="category.slug")
    system: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    awarded_vendor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    cost_sharing = serializers.DictField(child=serializers.CharField(), read_only=True)
    participants = serializers.SerializerMethodField(
        help_text="All invited municipalities and their answers for the lead prefecture and officials; "
        "for others the committed ones (and the caller's own invitation), without comments."
    )

    class Meta:
        model = JointProcurement
        fields = [
            "id",
            "ocid",
            "lead_prefecture",
            *services.EDITABLE_FIELDS,
            "status",
            "cost_sharing",
            "participants",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, procurement: JointProcurement) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        rows = list(procurement.participations.all())
        if policy.check(user, "procurement.view_answers", procurement):
            return ParticipantSerializer(rows, many=True).data
        own = getattr(policy.org_of(user), "pk", None)
        shown = [p for p in rows if p.status == ParticipationStatus.COMMITTED or p.municipality_id == own]
        data = ParticipantSerializer(shown, many=True).data
        for row, participation in zip(data, shown, strict=True):
            if participation.municipality_id != own:
                row["comment"] = ""
        return data


def _amount(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=services.MAX_AMOUNT, **kwargs
    )


class JointProcurementWriteSerializer(serializers.Serializer[Any]):
    """What a prefecture sends to register or edit a procurement (API.md)."""

    title = serializers.CharField(max_length=200)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=ProcurementCategory.objects.all())
    system = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    method = serializers.ChoiceField(choices=Method.choices)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    participants = serializers.ListField(child=serializers.CharField(max_length=6), required=False)
    recruiting_deadline = serializers.DateField(required=False, allow_null=True)
    tender_date = serializers.DateField(required=False, allow_null=True)
    contract_date = serializers.DateField(required=False, allow_null=True)
    operation_start = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    awarded_vendor_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    estimated_amount = _amount()
    contract_amount = _amount()
    initial_cost = _amount()
    annual_running_cost = _amount()
    funding = serializers.ChoiceField(choices=[("", "—"), *Funding.choices], required=False)
    funding_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    spec_shareable = serializers.BooleanField(required=False)
    contact_department = serializers.CharField(required=False, allow_blank=True, max_length=200)
    cost_sharing = serializers.DictField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)

    def validate_system(self, value: str | None) -> Any:
        if not value:
            return None
        from catalog.models import SharedSystem

        system = SharedSystem.objects.filter(slug=value).first()
        if system is None:
            raise serializers.ValidationError(_("カタログにこのシステムはありません。"))
        return system


def _service_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class ShareSerializer(serializers.Serializer[Any]):
    """One participant's share (documentation of the shares endpoint)."""

    municipality = serializers.CharField()
    share = serializers.IntegerField()
    standalone_estimate = serializers.IntegerField(required=False)
    saving = serializers.IntegerField(required=False)


class ParticipationSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ANSWER_CHOICES)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    usage_units = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**9)
    standalone_estimate = _amount()


class ProcurementTransitionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=workflow.ACTIONS)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# Token first, so an anonymous call that needs a login is answered 401 with WWW-Authenticate (API.md), not 403.


class JointProcurementViewSet(ExportMixin, PolicyScopedMixin, viewsets.ModelViewSet[JointProcurement]):
    export_file_stem = "joint_procurements"
    lookup_value_converter = "int"
    serializer_class = JointProcurementSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    policy_actions = {
        "list": None,
        "retrieve": None,
        "shares": None,
        "create": "procurement.create",
        "partial_update": "procurement.change",
        "transitions": "procurement.change",
        "participation": "procurement.answer",
    }

    def get_queryset(self) -> QuerySet[JointProcurement]:
        params = self.request.query_params
        queryset = selectors.procurement_search(
            queryset=JointProcurement.objects.all(),
            q=params.get("q", ""),
            prefecture=params.get("prefecture", ""),
            category=params.get("category", ""),
            status=params.get("status", ""),
            method=params.get("method", ""),
            system=params.get("system", ""),
        )
        queryset = queryset.select_related("lead_prefecture", "category", "system", "awarded_vendor").prefetch_related(
            "participations__municipality"
        )
        return policy.visible(self.request.user, queryset).order_by("-created_at", "-pk")

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("q", "prefecture", "category", "status", "method", "system")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _input(self, request: Request, *, partial: bool) -> dict[str, Any]:
        serializer = JointProcurementWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=JointProcurementWriteSerializer, responses={201: JointProcurementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(request, partial=False)
        prefecture = getattr(request.user, "organization", None)
        assert prefecture is not None  # the policy let only prefecture staff through
        try:
            participants = services.municipalities_for_codes(prefecture=prefecture, codes=data.pop("participants", []))
            procurement = services.procurement_create(
                actor=request.user,
                fields=data,
                participants=participants,
                cost_sharing=data.pop("cost_sharing", None) or {"equal": "1"},
                status=data.pop("status", Status.PLANNING),
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(self._output(procurement), status=status.HTTP_201_CREATED)

    def _output(self, procurement: JointProcurement) -> Any:
        fresh = self.get_queryset().get(pk=procurement.pk)
        return JointProcurementSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=JointProcurementWriteSerializer, responses={200: JointProcurementSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        procurement = self.get_object()
        data = self._input(request, partial=True)
        version = data.pop("version", None)
        if version is None:
            raise ValidationError({"version": [_("最後に読み込んだ version を指定してください。")]})
        if "status" in data:
            raise ValidationError({"status": [_("状況は transitions/ で変更してください。")]})
        try:
            participants = None
            if "participants" in data:
                participants = services.municipalities_for_codes(
                    prefecture=procurement.lead_prefecture, codes=data.pop("participants")
                )
            procurement = services.procurement_update(
                actor=request.user,
                procurement=procurement,
                version=version,
                fields=data,
                participants=participants,
                cost_sharing=data.pop("cost_sharing", None),
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        except services.ProcurementConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(self._output(procurement))

    @extend_schema(
        parameters=[OpenApiParameter("preview", bool, description="invited and not declined, instead of committed")],
        responses={200: ShareSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def shares(self, request: Request, pk: str | None = None) -> Response:
        procurement = self.get_object()
        preview = request.query_params.get("preview", "") in ("1", "true")
        if preview:
            # The preview names every invited municipality still in: the lead prefecture and officials only.
            decision = policy.check(request.user, "procurement.view_answers", procurement)
            if not decision:
                self.permission_denied(request, message=decision.reason)
        rows = []
        for row in selectors.shares_for(procurement, preview=preview):
            item: dict[str, Any] = {"municipality": row.municipality.code, "share": row.share.share}
            if row.share.standalone_estimate is not None:
                item["standalone_estimate"] = row.share.standalone_estimate
                item["saving"] = row.share.saving
            rows.append(item)
        return Response(rows)

    @extend_schema(request=ParticipationSerializer, responses={200: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def participation(self, request: Request, pk: str | None = None) -> Response:
        procurement = self.get_object()
        serializer = ParticipationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            participation = services.participation_answer(
                actor=request.user,
                procurement=procurement,
                status=data["status"],
                comment=data.get("comment", ""),
                usage_units=data.get("usage_units"),
                standalone_estimate=data.get("standalone_estimate"),
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        except services.ProcurementConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(ParticipantSerializer(participation).data)

    @extend_schema(request=ProcurementTransitionSerializer, responses={200: JointProcurementSerializer})
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        procurement = self.get_object()
        serializer = ProcurementTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            procurement = services.procurement_transition(
                actor=request.user,
                procurement=procurement,
                action=serializer.validated_data["action"],
                comment=serializer.validated_data.get("comment", ""),
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        except services.ProcurementConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(self._output(procurement))


class OcdsPackageView(APIView):
    """The OCDS 1.1 release package of the public joint procurements (`?prefecture=`)."""

    policy_actions = {"get": None}

    @extend_schema(parameters=[OpenApiParameter("prefecture", str)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        prefecture = request.query_params.get("prefecture", "")
        procurements = list(ocds.public_procurements(prefecture=prefecture))
        if not procurements:
            raise NotFound(_("条件に合う公開中の共同調達はありません。"))
        package = ocds.release_package(procurements, uri=request.build_absolute_uri())
        return Response(package, content_type="application/json")


router = SimpleRouter(use_regex_path=False)
router.register("joint-procurements", JointProcurementViewSet, basename="joint-procurement")

urlpatterns = [
    path("ocds/", OcdsPackageView.as_view(), name="procurement-ocds"),
    path("", include(router.urls)),
]
