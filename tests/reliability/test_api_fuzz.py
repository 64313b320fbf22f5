"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis), once per role.

Every operation of `/api/schema/` gets generated requests, valid and invalid, as each role of DESIGN.md; every
answer must be a documented status code with a body of the documented shape, and never a server error. Requests go
in-process to the WSGI application, inside the test's transaction, so what the fuzzer writes is thrown away.
The number of examples is bounded and the generation derandomized: the run is the same each time and fits CI.
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
def test_api_answers_as_its_schema_says(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
