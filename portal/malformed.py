"""Input no column can hold, refused in one place before any view sees it.

PostgreSQL refuses NUL characters in text, a lone UTF-16 surrogate ("\\ud800" in JSON) cannot be encoded, and an
integer beyond bigint fits no column: each would fail deep in a query as a server error. The middleware checks
query strings and posted form fields of every request (pages and API) and applies the body size limit; the API's
parsers check what they parse (JSON, and forms sent with PUT or PATCH). Both answer 400 with a Japanese message
naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

BIGINT_MAX = 2**63 - 1


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("NUL文字は使えません。")
    if any("\ud800" <= char <= "\udfff" for char in text):
        return _("文字として読めない値(対になっていないサロゲート)が含まれています。")
    return None


def find_problem(value: Any, name: str = "") -> tuple[str, str] | None:
    """The first (field, message) in `value` (parsed JSON or a form value) that no column can hold, else None."""
    if isinstance(value, str):
        message = _text_problem(value)
        return (name or "non_field_errors", message) if message else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > BIGINT_MAX:
            return name or "non_field_errors", _("数値が大きすぎます。")
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            key_problem = _text_problem(str(key))
            if key_problem:
                return name or "non_field_errors", key_problem
            found = find_problem(item, f"{name}.{key}" if name else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_problem(item, f"{name}[{index}]" if name else f"[{index}]")
            if found:
                return found
    return None


def _form_problem(data: Any) -> tuple[str, str] | None:
    for key, values in data.lists():
        for value in [key, *values]:
            found = find_problem(value, key)
            if found:
                return found
    return None


def _refuse_parsed(found: tuple[str, str] | None) -> None:
    if found:
        field, message = found
        raise ValidationError({field: [message]})


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:  # DRF's message is English only; keep it as the technical detail
            raise ParseError(_("JSONとして読めません。書式を確かめてください。") + f" ({exc.detail})") from exc
        _refuse_parsed(find_problem(data))
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_parsed(_form_problem(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _refuse_parsed(_form_problem(result.data))
        return result


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


class MalformedInputMiddleware:
    """Refuses NUL characters in query strings and form fields, and request bodies above the upload limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = self._problem(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            found = ("non_field_errors", _("送信されたデータが大きすぎます(上限 %(limit)s MB)。") % {"limit": limit})
        if found:
            return self._refuse(request, *found)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> tuple[str, str] | None:
        if request.method == "POST" and _is_form(request):
            return _form_problem(request.GET) or _form_problem(request.POST)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not _is_form(request):
            request.body  # noqa: B018 - read here, DATA_UPLOAD_MAX_MEMORY_SIZE gets the portal's answer
        return _form_problem(request.GET)

    def _refuse(self, request: HttpRequest, field: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("入力内容に誤りがあります。") + f" {message}", "errors": {field: [message]}}, status=400
            )
        return render(request, "400.html", {"message": message}, status=400)
