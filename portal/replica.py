"""Reads that may go to a PostgreSQL replica (`DATABASE_REPLICA_URL`), and the router that sends them there.

How it works, in one place:

- `ReplicaReadMiddleware` marks a request as *replica-safe* when it only reads and what it reads is public or
  aggregated: a GET or HEAD of a dashboard (`/dashboards/…`, `/api/v1/dashboards/…`, `/procurement/dashboard/`)
  by anyone, or any GET or HEAD by an anonymous visitor (no logged-in session, no `Authorization` header: an API
  token is only checked inside the view, so the header is what tells an API caller apart here). The mark is a
  context variable, set for the request and reset after it.
- `ReplicaRouter.db_for_read` sends a read to the `replica` alias only while the mark is set, and not inside a
  transaction on `default` (a transaction reads what it wrote). Every write goes to `default` and clears the
  mark: the rest of that request reads from `default` too, so nothing reads a replica that lags behind its own
  write. Everything else — logged-in pages and API calls, POSTs, Celery tasks, management commands — reads from
  `default`.
- Migrations run only on `default` (the replica receives them by replication).

Settings (portal/settings/base.py) add the `replica` alias and this router only when `DATABASE_REPLICA_URL` is set;
without it every query goes to `default` as before. Sessions and logins are read by the authentication middleware
before the mark is set, so they always come from `default`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
DASHBOARD_PATHS = ("/dashboards/", "/api/v1/dashboards/", "/procurement/dashboard/")

_replica_safe: ContextVar[bool] = ContextVar("replica_safe", default=False)


def replica_safe(request: HttpRequest) -> bool:
    """Whether this request only reads public or aggregated data (see the module's docstring)."""
    # Always asked first: it loads the session and the user now, from default (a fresh login may not be on the
    # replica yet).
    anonymous = not request.user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META
    if request.method not in ("GET", "HEAD"):
        return False
    return anonymous or request.path.startswith(DASHBOARD_PATHS)


class ReplicaReadMiddleware:
    """Marks the replica-safe requests for `ReplicaRouter` (listed after the authentication middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_safe.set(replica_safe(request))
        try:
            return self.get_response(request)
        finally:
            _replica_safe.reset(token)


class ReplicaRouter:
    """Replica-safe reads to `replica`; everything else, and every write, to `default`."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _replica_safe.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        _replica_safe.set(False)
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA
