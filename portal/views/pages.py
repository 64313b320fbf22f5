"""The home page and the public-site pages (about, accessibility, terms, privacy, contact, sources)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

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


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    return render(request, "500.html", status=500)
