"""DATABASE_REPLICA_URL: dashboard and public reads go to the replica; writes and private reads stay on default.

The `replica` alias of the test settings is a second connection to the test database (TEST MIRROR), so these tests
commit their data (transaction=True) and tell the two apart by the queries each connection ran.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections, router, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from dashboards import services as dashboard_services
from portal.models import Organization
from portal.replica import REPLICA, ReplicaReadMiddleware

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def routed(settings: Any) -> None:
    settings.DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]


class Queries:
    """The SQL each connection ran during a block."""

    def __init__(self) -> None:
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    def __enter__(self) -> Queries:
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    def on(self, alias: str, table: str = "") -> list[str]:
        captured = self.replica if alias == REPLICA else self.default
        return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


def test_an_anonymous_dashboard_reads_the_replica() -> None:
    dashboard_services.aggregates_build_all(period=dt.date(2026, 2, 1), names=["migration_progress"])
    with Queries() as during:
        response = Client().get("/dashboards/migration-progress/")
    assert response.status_code == 200
    assert during.on(REPLICA, "dashboards_aggregaterow"), "the aggregates were not read from the replica"
    assert during.on("default") == []


def test_a_logged_in_official_reads_a_dashboard_from_the_replica(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["soumu-official"], backend="portal.backends.PortalModelBackend")
    with Queries() as during:
        response = client.get("/dashboards/subsidy-budget/")
    assert response.status_code == 200
    assert during.on(REPLICA, "dashboards_build")
    assert during.on("default", "django_session"), "the login is read from default"
    assert during.on(REPLICA, "django_session") == []
    assert during.on("default", "dashboards_") == []


def test_public_pages_and_the_anonymous_api_read_the_replica() -> None:
    for url in ("/catalog/", "/organizations/", "/api/v1/catalog/systems/"):
        with Queries() as during:
            response = Client().get(url)
        assert response.status_code == 200, url
        assert during.on(REPLICA), url
        assert during.on("default") == [], url


def test_private_reads_stay_on_default(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["obuse-staff"], backend="portal.backends.PortalModelBackend")
    token = Token.objects.create(user=users["nagano-pref-staff"])
    with Queries() as during:
        assert client.get("/catalog/adoptions/").status_code == 200
        assert client.get("/subsidies/claims/").status_code == 200
        api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/subsidies/claims/").status_code == 200
    assert during.on(REPLICA) == []
    assert during.on("default", "subsidies_claim")


def test_writes_go_to_default(users: dict[str, Any]) -> None:
    users["obuse-staff"].set_password("a-long-test-password-1")
    users["obuse-staff"].save()
    with Queries() as during:
        response = Client().post("/accounts/login/", {"username": "obuse-staff", "password": "a-long-test-password-1"})
    assert response.status_code == 302
    assert during.on(REPLICA) == []
    assert during.on("default", "UPDATE")


def test_after_a_write_the_request_reads_default_and_a_transaction_reads_default() -> None:
    seen: list[str | None] = []

    def view(request: Any) -> Any:
        seen.append(router.db_for_read(Organization))
        with transaction.atomic():
            seen.append(router.db_for_read(Organization))
        seen.append(router.db_for_read(Organization))
        Organization.objects.filter(slug="205419").update(name="小布施町")  # a write (no change)
        seen.append(router.db_for_read(Organization))
        return None

    request = RequestFactory().get("/catalog/")
    request.user = AnonymousUser()
    ReplicaReadMiddleware(view)(request)
    assert seen == [REPLICA, "default", REPLICA, "default"]
    assert router.db_for_read(Organization) == "default", "outside a request every read goes to default"


def test_migrations_never_run_on_the_replica() -> None:
    assert router.allow_migrate(REPLICA, "portal", model_name="organization") is False
    assert router.allow_migrate("default", "portal", model_name="organization") is True
