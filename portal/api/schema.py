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
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class PortalAutoSchema(AutoSchema):
    """Adds the error answers a view can give to each operation, from how the view is built."""

    def _error_codes(self) -> set[str]:
        view = self.view
        codes = {"400"}
        if getattr(view, "authentication_classes", None):
            codes.add("401")  # a missing or bad token
        if getattr(view, "permission_classes", None):
            codes |= {"401", "403", "404"}  # the permission layer: not logged in, not allowed, not yours to see
        if self.method in WRITE_METHODS and getattr(view, "permission_classes", None):
            codes.add("409")
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in sorted(self._error_codes()):
            if code not in responses:
                response = self._get_response_for_code(ERROR, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses
