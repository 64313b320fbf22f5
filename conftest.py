"""Fixtures shared by every test: the real local governments and the demo logins, loaded once per database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool, why: str = "") -> None:
    """Skip a test that needs a missing service locally; under CI=true a missing service fails it."""
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if IN_CI:
        pytest.fail(f"{message} (CI must provide it)")
    pytest.skip(message)


def _seed() -> None:
    from portal import demo
    from portal.local_governments import load_local_governments

    load_local_governments()
    demo.seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture
def reseed(django_db_blocker: Any) -> Any:
    """For transactional tests, which empty the tables when they finish: put the base data back."""
    yield
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    yield
    try:
        cache.clear()
    except Exception:  # noqa: S110 - a cache that is down has nothing to clear
        pass


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    """The demo logins by username (see portal/demo.py): obuse-staff, obuse-manager, saku-staff, …"""
    from portal.models import User

    return {u.username: u for u in User.objects.filter(organization__isnull=False)}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(users: dict[str, Any]) -> Any:
    """`api_as("obuse-staff")`: an API client authenticated as that demo user."""

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[username])
        return client

    return make


@pytest.fixture
def client_as(users: dict[str, Any]) -> Any:
    """`client_as("obuse-staff")`: a page client logged in as that demo user."""
    from django.test import Client

    def make(username: str) -> Client:
        client = Client()
        client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
