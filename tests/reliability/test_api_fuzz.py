"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis), once per role.

Every operation of `/api/schema/` gets generated requests, valid and invalid, as each role of DESIGN.md; every
answer must be a documented status code with a body of the documented shape, and never a server error. Requests go
in-process to the WSGI application, inside the test's transaction, so what the fuzzer writes is thrown away.
The number of examples is bounded and the generation derandomized: the run is the same each time and fits CI.

Random identifiers would almost always answer 404 and leave the real handlers untried, so a world of real objects
(a claim, a joint procurement, an adoption, a migration status, a cap, an import record, an offering and a system
of 小布施町 and 長野県) is made first, and about half of the generated path parameters are replaced by those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application
from tests.reliability.authorization import ROLES

# The coverage phase would add hundreds of boundary cases per operation; the bounded random phases suffice here.
CONFIG = schemathesis.Config.from_dict({"seed": 2026, "phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 10  # per operation and role: 42 operations × 6 roles take 1–2 minutes of one core


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """Like Django's test client: the WSGI handler must not close the connection that holds the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Which real object a path parameter names, by the first path segment after /api/v1/ that identifies the route.
KNOWN: dict[str, str] = {}


def _world_key(path: str) -> str:
    for key in (
        "subsidies/claims",
        "subsidies/caps",
        "subsidies/programs",
        "joint-procurements",
        "catalog/adoptions",
        "catalog/migration-status",
        "catalog/offerings",
        "catalog/systems",
        "imports/records",
        "imports",
        "organizations",
        "dashboards",
    ):
        if f"/api/v1/{key}/" in path:
            return key
    return ""


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Half of the drawn values (by their parity) become the identifier of a real object of the route."""
    if not path_parameters or context.operation is None:
        return path_parameters
    known = KNOWN.get(_world_key(context.operation.path))
    if known is None:
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        if len(str(value)) % 2 == 0:
            mapped[name] = known
    return mapped


@pytest.fixture
def fuzz_world(users: dict[str, Any]) -> Iterator[None]:
    """Real objects for the {id}, {slug}, {code} and {kind} of every route (see KNOWN)."""
    from subsidies.models import OrganizationCap
    from tests.catalog.authorization import _adoption, _offering, _status_row, _system
    from tests.imports.authorization import _record_of
    from tests.procurement.authorization import procurement_of
    from tests.subsidies.authorization import claim_of, programs

    obuse = users["obuse-staff"].organization
    nagano = users["nagano-pref-staff"].organization
    cap = OrganizationCap.objects.filter(program=programs()["standardization"], organization=obuse).first()
    KNOWN.update(
        {
            "subsidies/claims": str(claim_of(obuse, "draft").pk),
            "subsidies/caps": str(cap.pk) if cap is not None else "0",
            "subsidies/programs": "standardization",
            "joint-procurements": str(procurement_of(obuse, "recruiting").pk),
            "catalog/adoptions": str(_adoption(obuse).pk),
            "catalog/migration-status": str(_status_row(obuse).pk),
            "catalog/offerings": _offering().slug,
            "catalog/systems": _system().slug,
            "imports/records": str(_record_of(nagano)),
            "imports": "migration-status",
            "organizations": obuse.code,
            "dashboards": "migration-progress",
        }
    )
    yield
    KNOWN.clear()


@pytest.fixture
def auth_headers(request: pytest.FixtureRequest, users: dict[str, Any]) -> dict[str, str]:
    username = ROLES[request.param]
    if username is None:
        return {}
    token, _created = Token.objects.get_or_create(user=users[username])
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.slow
@pytest.mark.parametrize("auth_headers", list(ROLES), indirect=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case: Any, auth_headers: dict[str, str], fuzz_world: None) -> None:
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
