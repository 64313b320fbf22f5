"""The permission layer: the one place that decides who may do what.

Pages, the API and the admin all ask it; no view checks a role itself.

- `check(user, action, obj)` answers a `Decision` (allowed, and the reason when refused).
- `visible(user, queryset)` narrows a queryset to the rows the user may read.
- `get_visible_or_404(user, queryset, **lookup)` fetches and authorizes in one call: a row the user may not
  read is "not found", so existence does not leak.

Apps contribute their rules in `<app>/rules.py` with the `rule` and `scope` decorators; those modules are
imported when the apps are ready. An action nobody registered is refused (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import OrganizationKind, Role


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


RuleFunc = Callable[[Any, Any], Decision | bool]
ScopeFunc = Callable[[Any, QuerySet[Any]], QuerySet[Any]]
M = TypeVar("M", bound=Model)

_rules: dict[str, RuleFunc] = {}
_scopes: dict[type[Model], ScopeFunc] = {}


def rule(action: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register the function that decides `action` (named `<app>.<verb>`)."""

    def register(func: RuleFunc) -> RuleFunc:
        if action in _rules:
            raise ImproperlyConfigured(f"rule {action!r} registered twice")
        _rules[action] = func
        return func

    return register


def scope(model: type[Model]) -> Callable[[ScopeFunc], ScopeFunc]:
    """Register the function that narrows `model`'s rows to those a user may read."""

    def register(func: ScopeFunc) -> ScopeFunc:
        _scopes[model] = func
        return func

    return register


def check(user: Any, action: str, obj: Any = None) -> Decision:
    """May `user` do `action` (on `obj`)? Inactive users may do nothing that needs a rule."""
    func = _rules.get(action)
    if func is None:
        return deny(_("この操作は定義されていません。"))
    if user is not None and user.is_authenticated and not user.is_active:
        return deny(_("このアカウントは無効です。"))
    result = func(user, obj)
    if isinstance(result, Decision):
        return result
    return ALLOW if result else deny(_("この操作を行う権限がありません。"))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403) with the reason unless `user` may do `action`."""
    decision = check(user, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of `queryset` that `user` may read."""
    func = _scopes.get(queryset.model)
    if func is None:
        raise ImproperlyConfigured(f"no visibility scope for {queryset.model.__name__}")
    return func(user, queryset)


def get_visible_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row the user may read, else Http404 — whether it does not exist or is not theirs."""
    try:
        return visible(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("見つかりません。")) from exc


# Shared predicates for rules ---------------------------------------------------------------------


def org_of(user: Any) -> Any:
    """The organization of a logged-in, active user, else None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.organization


def is_national(user: Any) -> bool:
    org = org_of(user)
    return bool(user is not None and user.is_authenticated and user.is_superuser) or (
        org is not None and org.kind == OrganizationKind.NATIONAL
    )


def is_kind(user: Any, kind: str) -> bool:
    org = org_of(user)
    return org is not None and org.kind == kind


def is_manager(user: Any) -> bool:
    return org_of(user) is not None and user.role == Role.MANAGER


def is_portal_admin(user: Any) -> bool:
    return is_national(user) and (user.is_superuser or user.is_portal_admin)


def prefecture_id_of(user: Any) -> int | None:
    """The prefecture a user's organization belongs to (itself for a prefecture)."""
    org = org_of(user)
    return org.home_prefecture_id if org is not None else None
