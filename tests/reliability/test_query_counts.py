"""Every list and dashboard page, and every API list, runs as many SQL queries with 3N rows as with N.

Each case names a URL, the user who sees the rows and how to add them. The test loads the page with N rows and
with 3N rows (a warm-up request first each time, so one-off lookups do not count) and compares the counts; it
also checks the larger data set really is on the page. `test_every_route_is_counted_or_exempt` makes a new route
fail until it has a case here or an exemption that says why its query count cannot grow with the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from dashboards import services as dashboard_services
from dashboards.kpis import load_publication_survey

from . import growth as g

N = 2
DAY = dt.date(2026, 2, 1)
MARK = quote(g.MARK)


@dataclass(frozen=True)
class Case:
    url: str
    user: str | None  # a demo login; None: an anonymous visitor
    grow: Callable[[int], Any]
    prepare: Callable[[], Any] | None = None  # makes the one record a detail page's list hangs on
    shows_rows: bool = True  # False: the page lists something fixed (it is still counted)

    @property
    def id(self) -> str:
        return f"{self.url} as {self.user or 'anonymous'}"


def dashboard_sources(n: int) -> None:
    """n more of every source the dashboards count, then the nightly build they read."""
    g.migration_statuses(n)
    g.businesses_of_obuse(n)
    g.systems(n)
    g.procurements(n)
    g.kpi_observations(n)
    g.claims(n, status="approved")
    dashboard_services.aggregates_build_all(period=DAY)


def fixed_system() -> None:
    system = g.systems(1, adopters=0)[0]
    system.slug = "qc-fixed"
    system.save(update_fields=["slug"])


def fixed_claim() -> None:
    claim = g.claims(1)[0]
    claim.title = "計測固定"
    claim.save(update_fields=["title"])


def draft_of_obuse() -> None:
    g.claim_of_obuse("draft", "計測固定")


def approved_of_obuse() -> None:
    g.claim_of_obuse("approved", "計測固定")


def fixed_procurement() -> None:
    procurement = g.procurements(1, participants=0)[0]
    procurement.title = "計測固定"
    procurement.save(update_fields=["title"])


def fixed_business() -> None:
    g.BusinessArea.objects.create(slug="qc-steps", code="QCS", name="計測手順業務", is_standardized=True, order=999)


def claim_pk() -> int:
    return g.Claim.objects.get(title="計測固定").pk


def procurement_pk() -> int:
    return g.JointProcurement.objects.get(title="計測固定").pk


PUBLIC_DASHBOARDS = ["migration-progress", "catalog-adoption", "joint-procurement", "kpi"]

CASES = [
    # portal
    Case("/organizations/?kind=vendor", None, g.vendors),
    Case("/organizations/200000/", None, g.municipalities_of_nagano),
    Case("/accounts/members/", "obuse-manager", g.members_of_obuse),
    Case("/imports/history/", "obuse-staff", g.import_records),
    Case("/api/v1/organizations/?kind=vendor", "soumu-official", g.vendors),
    # the exports of the lists (every row, not one page)
    Case("/organizations/?kind=vendor&format=csv", None, g.vendors),
    Case("/api/v1/organizations/?kind=vendor&format=csv", "soumu-official", g.vendors),
    Case(f"/api/v1/catalog/systems/?q={MARK}&format=csv", None, g.systems),
    Case("/api/v1/catalog/offerings/?system=qc-offered&format=csv", None, g.offerings),
    Case("/api/v1/catalog/adoptions/?system=qc-fixed&format=csv", None, g.adopters_of("qc-fixed"), fixed_system),
    Case("/api/v1/subsidies/claims/?format=csv", "nagano-pref-staff", g.claims),
    Case("/api/v1/procurement/joint-procurements/?format=csv", None, g.procurements),
    # catalog
    Case(f"/catalog/?q={MARK}", None, g.systems),
    Case("/catalog/systems/qc-fixed/", None, g.adopters_of("qc-fixed"), fixed_system),
    Case("/catalog/offerings/", "soumu-official", g.proposed_offerings),
    Case("/catalog/adoptions/", "obuse-staff", g.adoptions_of_obuse),
    Case("/catalog/migration/", "nagano-pref-staff", g.municipalities_of_nagano),
    Case("/catalog/migration/205419/", "obuse-staff", g.businesses_of_obuse),
    Case("/catalog/migration/205419/steps/qc-steps/", "obuse-staff", g.steps_of_obuse("qc-steps"), fixed_business),
    Case(f"/api/v1/catalog/systems/?q={MARK}", None, g.systems),
    Case("/api/v1/catalog/systems/qc-fixed/", None, g.adopters_of("qc-fixed"), fixed_system),
    Case("/api/v1/catalog/offerings/?system=qc-offered", None, g.offerings),
    Case("/api/v1/catalog/migration-status/?status=migrated", "soumu-official", g.migration_statuses),
    Case("/api/v1/catalog/adoptions/?system=qc-fixed", None, g.adopters_of("qc-fixed"), fixed_system),
    # subsidies
    Case("/subsidies/", "nagano-pref-staff", g.claims),
    Case("/subsidies/claims/", "nagano-pref-staff", g.claims),
    Case("/subsidies/claims/export/", "nagano-pref-staff", g.claims),
    Case("/subsidies/claims/{claim}/", "nagano-pref-staff", g.lines_of("計測固定"), fixed_claim),
    Case("/subsidies/claims/{claim}/edit/", "obuse-staff", g.lines_of("計測固定"), draft_of_obuse),
    Case("/subsidies/claims/{claim}/report/", "obuse-manager", g.lines_of("計測固定"), approved_of_obuse),
    Case("/subsidies/claims/{claim}/notice/", "obuse-manager", g.lines_of("計測固定"), approved_of_obuse),
    Case("/api/v1/subsidies/claims/{claim}/", "nagano-pref-staff", g.lines_of("計測固定"), fixed_claim),
    Case("/subsidies/results/", None, g.published_results),
    Case("/api/v1/subsidies/programs/", "soumu-official", g.programs),
    Case("/api/v1/subsidies/caps/", "soumu-official", g.caps),
    Case("/api/v1/subsidies/claims/", "nagano-pref-staff", g.claims),
    Case("/api/v1/subsidies/claims/{claim}/history/", "nagano-pref-staff", g.events_of("計測固定"), fixed_claim),
    # procurement
    Case(f"/procurement/?q={MARK}", None, g.procurements),
    Case("/procurement/", "obuse-staff", g.invitations_of_obuse),
    Case("/procurement/dashboard/", None, g.procurements),
    Case("/procurement/{procurement}/", "nagano-pref-staff", g.participants_of("計測固定"), fixed_procurement),
    Case("/api/v1/procurement/joint-procurements/", None, g.procurements),
    Case(
        "/api/v1/procurement/joint-procurements/{procurement}/",
        "nagano-pref-staff",
        g.participants_of("計測固定"),
        fixed_procurement,
    ),
    Case(
        "/api/v1/procurement/joint-procurements/{procurement}/shares/",
        "nagano-pref-staff",
        g.participants_of("計測固定"),
        fixed_procurement,
    ),
    Case("/api/v1/procurement/ocds/", None, g.procurements),
    # dashboards
    Case("/dashboards/", None, dashboard_sources, shows_rows=False),  # the five dashboards and their builds
    *[Case(f"/dashboards/{name}/", None, dashboard_sources) for name in PUBLIC_DASHBOARDS],
    Case("/dashboards/subsidy-budget/", "soumu-official", dashboard_sources),
    *[Case(f"/dashboards/{name}.csv", None, dashboard_sources) for name in PUBLIC_DASHBOARDS if name != "kpi"],
    Case("/dashboards/kpi.csv?chart=observations", None, dashboard_sources),
    Case("/dashboards/subsidy-budget.csv", "soumu-official", dashboard_sources),
    *[Case(f"/api/v1/dashboards/{name}/", None, dashboard_sources) for name in PUBLIC_DASHBOARDS if name != "kpi"],
    Case("/api/v1/dashboards/kpi/?chart=observations", None, dashboard_sources),
    Case("/api/v1/dashboards/subsidy-budget/", "soumu-official", dashboard_sources),
]

FORM = "a form or an action on one record; lists nothing that grows"
STATIC = "a static page"
EXEMPT = {
    "": "two counts (prefectures, municipalities); lists nothing",
    **dict.fromkeys(["about/", "accessibility/", "terms/", "privacy/", "contact/", "sources/"], STATIC),
    "healthz/": "a fixed probe of the database and cache",
    "i18n/setlang/": "sets the language and redirects",
    **dict.fromkeys(
        [
            "accounts/login/",
            "accounts/logout/",
            "accounts/two-factor/",
            "accounts/members/invite/",
            "accounts/members/<int:pk>/deactivate/",
            "accounts/password-reset/",
            "accounts/password-reset/sent/",
            "accounts/reset/<uidb64>/<token>/",
            "accounts/reset/done/",
        ],
        FORM,
    ),
    "catalog/patterns/": "the four patterns, defined in code (catalog/patterns.py); reads no rows",
    "catalog/compare/": "at most four entries side by side (selectors.MAX_COMPARE), however large the catalog",
    **dict.fromkeys(
        [
            "catalog/systems/new/",
            "catalog/systems/<slug:slug>/edit/",
            "catalog/systems/<slug:slug>/offerings/new/",
            "catalog/offerings/<slug:slug>/review/",
            "catalog/offerings/<slug:slug>/edit/",
            "catalog/adoptions/<int:pk>/delete/",
        ],
        FORM,
    ),
    **dict.fromkeys(
        [
            "subsidies/claims/new/",
            "subsidies/claims/<int:pk>/transition/",
            "subsidies/claims/<int:pk>/attachments/",
            "subsidies/claims/<int:pk>/result/",
            "subsidies/claims/<int:pk>/plan/",
            "subsidies/attachments/<int:pk>/",
            "subsidies/results/<int:pk>/",
            "subsidies/score/",
        ],
        FORM,
    ),
    **dict.fromkeys(
        [
            "procurement/new/",
            "procurement/<int:pk>/edit/",
            "procurement/<int:pk>/answer/",
            "procurement/<int:pk>/transitions/",
            "procurement/<int:pk>/documents/",
            "procurement/<int:pk>/documents/<int:document_pk>/",
        ],
        FORM,
    ),
    "procurement/share-preview/": "shares of the municipalities its query names, read in two queries "
    "(selectors.preview_shares); the same computation over a procurement's participants is counted (…/shares/)",
    "imports/": "the import kinds, defined in code (portal/imports/kinds.py)",
    **dict.fromkeys(
        [
            "imports/records/<int:pk>/",
            "imports/records/<int:pk>/status.json",
            "imports/<slug:kind>/",
            "imports/<slug:kind>/confirm/",
            "imports/<slug:kind>/template.<str:fmt>",
        ],
        FORM,
    ),
    "api/v1/auth/token/": FORM,
    "api/v1/imports/": "the import kinds, defined in code (portal/imports/kinds.py)",
    **dict.fromkeys(
        [
            "api/v1/imports/records/<int:pk>/",
            "api/v1/imports/<slug:kind>/template/",
            "api/v1/imports/<slug:kind>/",
            "api/v1/organizations/<str:code>/",
            "api/v1/catalog/offerings/<str:slug>/",
            "api/v1/catalog/offerings/<str:slug>/decline/",
            "api/v1/catalog/offerings/<str:slug>/publish/",
            "api/v1/catalog/migration-status/<str:pk>/",
            "api/v1/catalog/adoptions/<str:pk>/",
            "api/v1/subsidies/check/",
            "api/v1/subsidies/programs/<str:code>/",
            "api/v1/subsidies/caps/<str:pk>/",
            "api/v1/subsidies/claims/<str:pk>/transitions/",
            "api/v1/procurement/joint-procurements/<int:pk>/participation/",
            "api/v1/procurement/joint-procurements/<int:pk>/transitions/",
        ],
        FORM,
    ),
    "api/v1/catalog/patterns/": "the four patterns, defined in code (catalog/patterns.py); reads no rows",
    "api/schema/": "the OpenAPI schema, generated from code",
    "api/docs/": "Swagger UI around the schema",
}


def all_routes() -> set[str]:
    """Every route of the portal outside the Django admin (an operator's tool, not one of the portal's pages)."""
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def _route(url: str) -> str:
    return resolve(url.split("?")[0].format(claim=1, procurement=1)).route


def test_every_route_is_counted_or_exempt() -> None:
    counted = {_route(case.url) for case in CASES}
    routes = all_routes()
    assert routes - counted - EXEMPT.keys() == set(), "new routes: add a query-count case or an exemption"
    assert counted & EXEMPT.keys() == set(), "a counted route is also exempt"
    assert EXEMPT.keys() - routes == set(), "exemptions of routes that no longer exist"


def _client(username: str | None, users: dict[str, Any], api: bool) -> Client | APIClient:
    if api:
        api_client = APIClient()
        if username is not None:
            api_client.force_authenticate(users[username])
        return api_client
    client = Client()
    if username is not None:
        client.force_login(users[username], backend="portal.backends.PortalModelBackend")
    return client


def _measure(client: Client | APIClient, url: str) -> tuple[int, Any]:
    cache.clear()
    warm = client.get(url)
    assert warm.status_code == 200, (url, warm.status_code)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _shows_more(small: Any, large: Any) -> bool:
    """Whether the larger data set is on the page: an API list counts more rows, a page names more of the rows
    made here (計測…), and a page of aggregates (which names none of them) shows other figures."""
    if small.get("Content-Type", "").startswith("application/json"):
        before, after = small.json(), large.json()
        if isinstance(before, dict) and isinstance(before.get("count"), int):
            return after["count"] > before["count"]
    mark = g.MARK.encode()
    if mark in large.content:
        return large.content.count(mark) > small.content.count(mark)
    return CSRF_TOKEN.sub(b"", large.content) != CSRF_TOKEN.sub(b"", small.content)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_query_count_does_not_grow_with_the_data(case: Case, users: dict[str, Any]) -> None:
    g.reset()
    if case.url.startswith(("/dashboards/", "/api/v1/dashboards/")):
        load_publication_survey()
    if case.prepare is not None:
        case.prepare()
    url = case.url
    if "{" in url:
        url = url.format(
            claim=claim_pk() if "{claim}" in url else 0,
            procurement=procurement_pk() if "{procurement}" in url else 0,
        )
    client = _client(case.user, users, api=url.startswith("/api/"))
    case.grow(N)
    small, small_response = _measure(client, url)
    case.grow(2 * N)
    large, large_response = _measure(client, url)
    if case.shows_rows:
        assert _shows_more(small_response, large_response), "the larger data set is not on the page"
    assert large == small, f"{url}: {small} queries with {N} rows, {large} with {3 * N}"
