"""Browsing the catalog: search with facets, the patterns table, a system's page, compare. Public pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import policy
from portal.models import OrganizationKind
from procurement.selectors import procurements_for_system

from .. import search_results, selectors
from ..freshness import catalog_version
from ..models import Pattern
from ..patterns import PATTERN_BY_CODE, PATTERN_ROWS, PATTERNS

PAGE_SIZE = 20


def system_list(request: HttpRequest) -> HttpResponse:
    """`/catalog/`: search, facets with counts, sort and pages — all in the URL, so a search can be shared."""
    query = selectors.SystemQuery.from_params(request.GET)
    version = catalog_version()
    results = search_results.results_html(
        version,
        (request.GET.urlencode(), get_language()),
        lambda: _results(request, query, version),
    )
    return render(request, "catalog/system_list.html", {"results": results})


def _results(request: HttpRequest, query: selectors.SystemQuery, version: str | None) -> str:
    """The search form's facets and the results table with its page links. The same for every visitor (public
    data, shown as to an anonymous one), so it is cached per query string and language."""
    found = search_results.search_results(query, version=version)
    ids: list[Any] = found.ids
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.systems_in_order(user=AnonymousUser(), ids=list(page.object_list))
    context = {
        "query": query,
        "page": page,
        "facets": selectors.system_facets(query=query, counts=found.facet_counts, areas=found.areas),
        "sorts": [(value, label) for value, (label, _order) in selectors.SORTS.items()],
        "compare_limit": selectors.MAX_COMPARE,
    }
    return render_to_string("catalog/_system_results.html", context, request=request)


def pattern_table(request: HttpRequest) -> HttpResponse:
    """`/catalog/patterns/`: the four patterns side by side, each column linking to its systems."""
    rows = [(label, [getattr(p, attribute) for p in PATTERNS]) for attribute, label in PATTERN_ROWS]
    return render(request, "catalog/patterns.html", {"patterns": PATTERNS, "rows": rows})


def system_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`/catalog/systems/<slug>/`: what it is, what it means for the municipality, offerings, who uses it."""
    system = selectors.system_detail(user=request.user, slug=slug)
    org = policy.org_of(request.user)
    municipality = org if org is not None and org.kind == OrganizationKind.MUNICIPALITY else None
    context = {
        "system": system,
        "pattern": PATTERN_BY_CODE[Pattern(system.pattern)],
        "pattern_rows": PATTERN_ROWS[:3],
        "offerings": system.visible_offerings,  # type: ignore[attr-defined]
        "by_prefecture": selectors.adoption_by_prefecture(system),
        "municipality": municipality,
        "similar": selectors.similar_adopters(system=system, municipality=municipality),
        "adoptions": selectors.adoptions_for_system(user=request.user, system=system),
        "procurements": procurements_for_system(user=request.user, system=system),
        "can_edit": bool(policy.check(request.user, "catalog.edit_system", system)),
    }
    return render(request, "catalog/system_detail.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """`/catalog/compare/?systems=a,b` or `?offerings=x,y`: up to four entries side by side."""
    system_slugs = selectors.slugs_from(",".join([request.GET.get("systems", ""), *request.GET.getlist("pick")]))
    offering_slugs = selectors.slugs_from(
        ",".join([request.GET.get("offerings", ""), *request.GET.getlist("offering")])
    )
    if "pick" in request.GET or "offering" in request.GET:
        # The checkboxes of the list and system pages (no JavaScript needed) land on the shareable URL.
        params = {"systems": ",".join(system_slugs), "offerings": ",".join(offering_slugs)}
        return redirect(reverse("catalog:compare") + "?" + urlencode({k: v for k, v in params.items() if v}))
    messages_: list[str] = []
    limit = selectors.MAX_COMPARE
    for slugs in (system_slugs, offering_slugs):
        if len(slugs) > limit:
            messages_.append(
                _("比較できるのは%(limit)d件までです。先頭の%(limit)d件を表示しています（指定: %(n)d件）。")
                % {"limit": limit, "n": len(slugs)}
            )
    systems = selectors.systems_to_compare(user=request.user, slugs=system_slugs) if system_slugs else []
    offerings = selectors.offerings_to_compare(user=request.user, slugs=offering_slugs) if offering_slugs else []
    missing = len(system_slugs[:limit]) - len(systems) + len(offering_slugs[:limit]) - len(offerings)
    if missing:
        messages_.append(_("見つからない項目が%(n)d件ありました。") % {"n": missing})
    context = {"systems": systems, "offerings": offerings, "notices": messages_, "limit": limit}
    return render(request, "catalog/compare.html", context)
