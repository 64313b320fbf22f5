"""The OpenAPI schema documents the error answers too (API.md "Errors"), so clients and the fuzzer can rely on them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

# `{"detail": "...", "errors": {field: [messages]}}`, messages in the request's language.
ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


ERRORS = {
    "400": "入力内容に誤りがあります。",
    "401": "ログインしていません(トークンがないか無効です)。",
    "403": "閲覧はできますが、この操作はできません。",
    "404": "見つからないか、閲覧できません。",
    "409": "競合しました(古い version、許されない遷移、予算や上限の超過)。",
    "415": "本文の形式(Content-Type)に対応していません。JSON で送ってください。",
    "503": "一時的に利用できません(データベースの再起動中など)。しばらくしてから再試行してください。",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class PortalAutoSchema(AutoSchema):
    """Adds the error answers a view can give to each operation, from how the view is built."""

    def _error_codes(self) -> set[str]:
        view = self.view
        codes = {"400", "503"}  # 503: the database is unreachable for a moment (portal/middleware.py answers it)
        if getattr(view, "authentication_classes", None):
            codes.add("401")  # a missing or bad token
        if getattr(view, "permission_classes", None):
            codes |= {"401", "403", "404"}  # the permission layer: not logged in, not allowed, not yours to see
        if self.method in WRITE_METHODS and getattr(view, "permission_classes", None):
            codes.add("409")
        if self.method in WRITE_METHODS:
            codes.add("415")  # a body in a media type the view does not parse
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in sorted(self._error_codes()):
            if code not in responses:
                response = self._get_response_for_code(ERROR, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses
