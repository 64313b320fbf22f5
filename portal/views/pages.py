"""The home page and the public-site pages (about, accessibility, terms, privacy, contact, sources)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from portal.accessibility import latest_results
from portal.models import Organization, OrganizationKind


def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "prefectures": Organization.objects.filter(kind=OrganizationKind.PREFECTURE).count(),
        "municipalities": Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count(),
    }
    return render(request, "portal/home.html", {"counts": counts})


@cache_control(max_age=300, public=True)
def static_page(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, template)


def _api_error(detail: str, status: int) -> JsonResponse:
    """The API's error shape (API.md), for answers Django gives before any API view runs."""
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("リクエストを処理できませんでした。入力内容をご確認ください。")
    if request.path.startswith("/api/"):
        return _api_error(_("入力内容に誤りがあります。") + f" {message}", 400)
    return render(request, "400.html", {"message": message}, status=400)


@cache_control(max_age=300, public=True)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/accessibility.html", {"results": latest_results()})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(_("見つかりません。"), 404)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    return render(request, "500.html", status=500)
