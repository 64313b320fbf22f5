"""Every route × every role × own / same prefecture / other prefecture answers as the permission table says."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from portal.models import User

from .authorization import ROLES, SCOPES, Case, target_organization

ROOT = Path(__file__).resolve().parents[2]
# Routes outside the matrix, with the reason.
EXEMPT_PREFIXES = {
    "admin/": "the admin asks the same rules per model; tested in tests/portal/test_accounts.py",
}


def _routes(patterns, prefix: str = ""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in sorted(ROOT.glob("tests/*/authorization.py")):
        if module.parent.name == "reliability":
            continue
        cases.extend(importlib.import_module(f"tests.{module.parent.name}.authorization").CASES)
    return cases


CASES = _all_cases()


def test_every_route_has_a_case():
    routes = {r for r in _routes(get_resolver().url_patterns) if not r.startswith(tuple(EXEMPT_PREFIXES))}
    covered = {case.route for case in CASES}
    assert sorted(routes - covered) == [], "routes without an entry in the authorization matrix"
    assert sorted(covered - routes) == [], "matrix entries for routes that no longer exist"


def _client(role: str) -> Client:
    client = Client()
    username = ROLES[role]
    if username:
        client.force_login(User.objects.get(username=username), backend="portal.backends.PortalModelBackend")
    return client


def _request(client: Client, case: Case, url: str, payload: dict | None):  # type: ignore[no-untyped-def]
    if case.method == "get":
        return client.get(url)
    if case.route.startswith("api/"):
        return getattr(client, case.method)(url, payload or {}, content_type="application/json")
    return getattr(client, case.method)(url, payload or {})


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} /{c.route}")
def test_route_answers_as_the_table_says(case: Case):
    mismatches = []
    for role in ROLES:
        client = _client(role)
        for scope in SCOPES if case.scoped else ("own",):
            org = target_organization(scope, role)
            url = case.url(org)
            response = _request(client, case, url, case.payload(org))
            expected = case.status_for(role, scope)
            if response.status_code != expected:
                mismatches.append(
                    f"{case.method.upper()} {url} as {role} ({scope}): {response.status_code} != {expected}"
                )
            elif expected == 302 and role == "anonymous" and "redirect:" not in case.note:
                location = response.get("Location", "")
                if not location.startswith("/accounts/login/"):
                    mismatches.append(f"{case.method.upper()} {url} as anonymous: redirected to {location}, not login")
    assert not mismatches, "\n".join(mismatches)
