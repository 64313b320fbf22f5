"""DRF's side of the permission layer: views name their actions, the policy decides."""

from typing import Any

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from portal import policy


class PolicyPermission(BasePermission):
    """Asks `portal.policy` for the action the view names for the request.

    A view sets `policy_actions = {"list": None, "create": "app.verb", ...}` keyed by viewset action (or HTTP
    method, lower-case, for plain API views). `None` means "anyone; rows are scoped by `visible`".
    A view without an entry for the action is refused (fail closed).
    """

    def _action(self, request: Request, view: Any) -> str | None:
        method = (request.method or "").lower()
        if not hasattr(view, method):
            return None  # the view has no such method: DRF answers 405, which reveals nothing
        actions: dict[str, str | None] = getattr(view, "policy_actions", {})
        key = getattr(view, "action", None) or method
        if key not in actions:
            raise PermissionDenied("この操作は許可されていません。")
        return actions[key]

    def _refuse(self, request: Request, reason: str) -> None:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated()
        raise PermissionDenied(reason)

    def has_permission(self, request: Request, view: Any) -> bool:
        action = self._action(request, view)
        if action is None or getattr(view, "policy_object_level", False):
            return True
        decision = policy.check(request.user, action)
        if not decision:
            if request.user and request.user.is_authenticated and (getattr(view, "detail", False) or view.kwargs):
                # Someone who may not even see the object learns nothing: 404 before 403.
                view.get_object()
            self._refuse(request, decision.reason)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        action = self._action(request, view)
        if action is None:
            return True
        decision = policy.check(request.user, action, obj)
        if not decision:
            self._refuse(request, decision.reason)
        return True


class PolicyScopedMixin:
    """Scopes a generic view's queryset to the rows the user may read (others are 404)."""

    def get_queryset(self) -> Any:
        return policy.visible(self.request.user, super().get_queryset())  # type: ignore[attr-defined,misc]
