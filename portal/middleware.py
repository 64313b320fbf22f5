"""Cross-cutting request handling: security headers, two-factor enforcement, database outages."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Plotly draws with inline style attributes, so style-src allows them; scripts never run inline.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Paths a person who still has to give a second factor may reach.
_TWO_FACTOR_EXEMPT = ("/accounts/", "/static/", "/api/", "/healthz/", "/i18n/")


class TwoFactorRequiredMiddleware:
    """With PORTAL_REQUIRE_2FA on, managers and national officials confirm a TOTP code before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.PORTAL_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(_TWO_FACTOR_EXEMPT)
        ):
            return redirect(f"/accounts/two-factor/?next={request.path}")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database that does not answer becomes a clean 503, as a page or as JSON, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(request, exc)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("database unavailable: %s", exc)
        if request.path.startswith("/api/") or request.path.startswith("/healthz/"):
            return JsonResponse(
                {"detail": "データベースに接続できません。しばらくしてからもう一度お試しください。"},
                status=503,
                headers={"Retry-After": "30"},
            )
        body = render_to_string("503.html", request=None)
        return HttpResponse(body, status=503, headers={"Retry-After": "30"})
