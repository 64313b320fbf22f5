"""Exports of API lists: `?format=csv` (UTF-8 with BOM; `&encoding=cp932` for Shift_JIS) or `?format=xlsx`.

Add `ExportMixin` first in a list viewset's bases: the same filters apply, every row is exported (not one page,
up to `export_max_rows`), formulas are neutralized, and the file comes as an attachment named after the list.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from portal.imports.export import XLSX_TYPE, file_response, table_file

EXPORT_FORMATS = ("csv", "xlsx")


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _table(data: Any) -> tuple[list[str], list[list[Any]]]:
    rows = list(data or [])
    headers = list(rows[0].keys()) if rows else []
    return headers, [[_cell(row.get(h)) for h in headers] for row in rows]


def _encoding(renderer_context: dict[str, Any] | None) -> str:
    request = (renderer_context or {}).get("request")
    value = request.query_params.get("encoding", "") if request is not None else ""
    return "cp932" if value.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        headers, rows = _table(data)
        return table_file(headers, rows, fmt="csv", encoding=_encoding(renderer_context))


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        headers, rows = _table(data)
        return table_file(headers, rows, fmt="xlsx")


class ExportMixin:
    """`?format=csv|xlsx` on a list endpoint: all rows the filters select, as a file."""

    export_max_rows = 200_000
    export_file_stem = "export"

    def get_renderers(self) -> list[BaseRenderer]:
        renderers: list[BaseRenderer] = super().get_renderers()  # type: ignore[misc]
        if getattr(self, "action", "list") not in (None, "list"):
            return renderers  # only lists export: `?format=csv` on one record is not found
        return [*renderers, CSVRenderer(), XLSXRenderer()]

    def handle_exception(self, exc: Exception) -> Any:
        """Errors answer in JSON (API.md's error shape), whatever file format was asked for."""
        response = super().handle_exception(exc)  # type: ignore[misc]
        request: Any = self.request  # type: ignore[attr-defined]
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        fmt = getattr(request.accepted_renderer, "format", None)
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        rows = list(queryset[: self.export_max_rows + 1])
        if len(rows) > self.export_max_rows:
            raise exceptions.ValidationError(
                _("出力できるのは%(max)s行までです。条件を絞り込んでください。") % {"max": f"{self.export_max_rows:,}"}
            )
        data = view.get_serializer(rows, many=True).data
        encoding = _encoding({"request": request})
        headers, table = _table(data)
        return file_response(
            table_file(headers, table, fmt=fmt, encoding=encoding),
            file_stem=self.export_file_stem,
            fmt=fmt,
            encoding=encoding,
        )
