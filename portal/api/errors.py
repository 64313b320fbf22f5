"""Every API error has the shape `{"detail": "...", "errors": {field: [messages]}}`."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """409: a stale version, an illegal transition, a budget or cap that would be overdrawn."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "競合が発生しました。"
    default_code = "conflict"


def _flatten(errors: Any) -> dict[str, list[str]]:
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            if isinstance(value, dict | list) and value and isinstance(value, list) and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, messages in _flatten(item).items():
                        flat[f"{key}[{index}].{sub_key}"] = messages
            elif isinstance(value, dict):
                for sub_key, messages in _flatten(value).items():
                    flat[f"{key}.{sub_key}"] = messages
            else:
                flat[str(key)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return flat
    if isinstance(errors, list):
        return {"non_field_errors": [str(m) for m in errors]}
    return {"non_field_errors": [str(errors)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("見つかりません。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), [""])[0]
        response.data = {"detail": _("入力内容に誤りがあります。") + (f" {first}" if first else ""), "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    return response
