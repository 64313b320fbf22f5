"""`/api/v1/imports/`: imports (dry run or real), templates and the status of large imports (API.md)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import policy
from portal.api.schema import ERROR
from portal.malformed import FormParser, JSONParser, MultiPartParser
from portal.models import ImportRecord

from . import services
from .export import XLSX_TYPE, file_response, table_file, template_rows
from .kinds import ImportKind, all_kinds, get_kind


def kind_or_404(name: str) -> ImportKind:
    kind = get_kind(name)
    if kind is None:
        raise Http404(_("この種類の取り込みはありません（または、まだ利用できません）。"))
    return kind


def record_data(record: ImportRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "kind": record.kind,
        "file_name": record.file_name,
        "checksum": record.checksum,
        "dry_run": record.dry_run,
        "status": record.status,
        "progress": services.record_progress(record),
        "rows": record.rows_total,
        "totals": record.totals,
        "errors": record.errors,
        "created_at": record.created_at.isoformat(),
        "finished_at": record.finished_at.isoformat() if record.finished_at else None,
        "on_behalf_of": record.on_behalf_of.code if record.on_behalf_of_id and record.on_behalf_of else None,
    }


ERROR_ITEMS = inline_serializer(
    "ImportError",
    {"line": serializers.IntegerField(), "field": serializers.CharField(), "message": serializers.CharField()},
    many=True,
)
RESULT = inline_serializer(
    "ImportResult",
    {
        "dry_run": serializers.BooleanField(),
        "totals": serializers.DictField(child=serializers.IntegerField()),
        "errors": ERROR_ITEMS,
    },
)

# A file with bad rows answers the result with its line errors; a request without a file, the usual error shape.
REJECTED = PolymorphicProxySerializer(
    component_name="ImportRejected", serializers=[RESULT, ERROR], resource_type_field_name=None
)
KINDS = inline_serializer(
    "ImportKind",
    {
        "kind": serializers.CharField(),
        "label": serializers.CharField(),
        "columns": inline_serializer(
            "ImportColumn",
            {
                "key": serializers.CharField(),
                "header": serializers.CharField(),
                "required": serializers.BooleanField(),
                "example": serializers.CharField(),
            },
            many=True,
        ),
    },
    many=True,
)


class ImportAPIView(APIView):
    # Token first: an anonymous caller gets 401 with `WWW-Authenticate: Token`, not 403.
    authentication_classes = [TokenAuthentication, SessionAuthentication]


class ImportKindsView(ImportAPIView):
    """The kinds the caller may import, with their columns."""

    policy_actions = {"get": "imports.use"}

    @extend_schema(responses={200: KINDS})
    def get(self, request: Request) -> Response:
        kinds = [k for k in all_kinds() if policy.check(request.user, k.action)]
        return Response(
            [
                {
                    "kind": k.name,
                    "label": str(k.label),
                    "columns": [
                        {"key": c.key, "header": c.header_ja, "required": c.required, "example": c.example}
                        for c in k.columns
                    ],
                }
                for k in kinds
            ]
        )


class ImportView(ImportAPIView):
    """`POST /api/v1/imports/{kind}/?dry_run=1` with a multipart `file`."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON has no file: a clear 400, not 415
    policy_actions = {"post": "imports.use"}

    @extend_schema(
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.INT, enum=[0, 1], description="1: preview only (default)")
        ],
        request={"multipart/form-data": inline_serializer("ImportUpload", {"file": serializers.FileField()})},
        responses={200: RESULT, 202: OpenApiTypes.OBJECT, 400: REJECTED},
    )
    def post(self, request: Request, kind: str) -> Response:
        import_kind = kind_or_404(kind)
        policy.require(request.user, import_kind.action)
        dry_run = request.query_params.get("dry_run", "1") not in ("0", "false", "no")
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return Response(
                {"detail": _("ファイルを選んでください。"), "errors": {"file": [_("必須です。")]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        upload = services.Upload.from_file(uploaded)
        if services.row_count(kind=import_kind, upload=upload) > services.LARGE_FILE_ROWS:
            record = services.import_start(kind=import_kind, actor=request.user, upload=upload, dry_run=dry_run)
            url = reverse("api-import-record", args=[record.pk])
            return Response(
                {"id": record.pk, "status": record.status, "dry_run": dry_run, "status_url": url},
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": url},
            )
        if dry_run:
            preview = services.import_preview(kind=import_kind, actor=request.user, upload=upload)
            code = status.HTTP_200_OK if preview.ok else status.HTTP_400_BAD_REQUEST
            return Response(_with_detail(preview.as_api(dry_run=True), preview.ok), status=code)
        try:
            record = services.import_apply(kind=import_kind, actor=request.user, upload=upload)
        except services.ImportRejected as rejected:
            return Response(
                _with_detail(rejected.preview.as_api(dry_run=False), False), status=status.HTTP_400_BAD_REQUEST
            )
        return Response(
            {"dry_run": False, "totals": record.totals, "errors": [], "id": record.pk},
            status=status.HTTP_200_OK,
        )


def _with_detail(body: dict[str, Any], ok: bool) -> dict[str, Any]:
    if not ok:
        body["detail"] = _("ファイルに誤りがあります（%(n)d行）。どの行も取り込んでいません。") % {
            "n": body["totals"]["error"]
        }
    return body


class TemplateView(ImportAPIView):
    """`GET /api/v1/imports/{kind}/template/?format=csv|xlsx`: the headers and one example row."""

    policy_actions = {"get": "imports.use"}

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        return JSONRenderer(), "application/json"  # `format` names the file format here, not a renderer

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["csv", "xlsx"]),
            OpenApiParameter("encoding", str, enum=["utf-8", "cp932"]),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, kind: str) -> HttpResponse:
        import_kind = kind_or_404(kind)
        return template_response(
            import_kind, request.query_params.get("format", "csv"), request.query_params.get("encoding", "")
        )


def template_response(kind: ImportKind, fmt: str, encoding: str) -> HttpResponse:
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    encoding = "cp932" if encoding.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"
    headers, rows = template_rows(kind)
    return file_response(
        table_file(headers, rows, fmt=fmt, encoding=encoding),
        file_stem=f"template_{kind.name}",
        fmt=fmt,
        encoding=encoding,
    )


class RecordView(ImportAPIView):
    """`GET /api/v1/imports/records/{id}/`: status and progress of an import (404 unless the caller may see it)."""

    policy_actions = {"get": "imports.use"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        record = policy.get_visible_or_404(request.user, ImportRecord.objects.select_related("on_behalf_of"), pk=pk)
        return Response(record_data(record))
