"""The organization directory: search by name or kana, filter by prefecture; one page per organization."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import policy, selectors
from portal.models import Organization, OrganizationKind


def organization_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    prefecture = request.GET.get("prefecture", "")
    queryset = selectors.organization_search(
        queryset=policy.visible(request.user, Organization.objects.all()), q=q, kind=kind, prefecture=prefecture
    )
    page = Paginator(queryset.order_by("slug"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "prefecture": prefecture,
        "kinds": OrganizationKind.choices,
        "prefectures": selectors.prefectures(),
    }
    return render(request, "portal/organization_list.html", context)


def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    organization = policy.get_visible_or_404(request.user, Organization.objects.select_related("prefecture"), slug=code)
    municipalities = organization.municipalities.order_by("code") if organization.kind == "prefecture" else None
    return render(
        request,
        "portal/organization_detail.html",
        {"organization": organization, "municipalities": municipalities},
    )
