"""The authorization matrix: every page and API route × every role × own / same-prefecture / other-prefecture.

Each app lists its routes as `Case`s (tests/<app>/authorization.py exposes CASES); `test_authorization_matrix`
checks every route of the URL configuration has a case and every case answers as DESIGN.md's table says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.models import Organization

ROLES: dict[str, str | None] = {
    "anonymous": None,
    "municipality_staff": "obuse-staff",  # 長野県小布施町
    "municipality_manager": "obuse-manager",
    "prefecture_staff": "nagano-pref-staff",  # 長野県
    "national_official": "soumu-official",  # 総務省
    "vendor": "vendor-demo",
}
SCOPES = ("own", "same_prefecture", "other_prefecture")

# The organization whose object is requested, by scope. "own" is the requester's organization where it has
# one that owns such objects (a municipality's for the municipal roles); 長野県's own objects are its own.
TARGETS = {"own": "205419", "same_prefecture": "202177", "other_prefecture": "313289"}


def target_organization(scope: str, role: str) -> Organization:
    if scope == "own" and role == "prefecture_staff":
        return Organization.objects.get(code="200000")
    return Organization.objects.get(code=TARGETS[scope])


Expect = int | dict[str, int]


@dataclass
class Case:
    """One route: how to build its URL for a target organization, and the answer each role gets.

    `expect` maps a role (or "*" for every other role) to a status, or to {scope: status} when the answer
    depends on whose object it is. `path(org)` builds the URL for an object of `org` (create it if needed).
    """

    route: str
    path: Callable[[Organization], str] | str
    expect: dict[str, Expect]
    method: str = "get"
    data: dict[str, Any] | Callable[[Organization], dict[str, Any]] | None = None
    scoped: bool = False  # True when the object belongs to an organization (run all three scopes)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def status_for(self, role: str, scope: str) -> int:
        value = self.expect.get(role, self.expect.get("*"))
        if value is None:
            raise KeyError(f"{self.route}: no expectation for {role}")
        return value if isinstance(value, int) else value[scope]

    def url(self, org: Organization) -> str:
        return self.path if isinstance(self.path, str) else self.path(org)

    def payload(self, org: Organization) -> dict[str, Any] | None:
        return self.data(org) if callable(self.data) else self.data


LOGIN = 302  # pages send anonymous visitors to the login page
