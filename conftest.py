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
    from procurement.categories import ensure_default_categories

    load_local_governments()
    demo.seed()
    ensure_default_categories()  # made by a data migration, so a flush removes them


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _seed()


_flushed = False


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Transactional tests (and the live server) empty every table when they finish: note it."""
    global _flushed
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures or "live_server" in fixtures:
        _flushed = True


def pytest_runtest_setup(item: pytest.Item) -> None:
    """…and the next test starts from the base data again."""
    global _flushed
    if _flushed:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed()
        _flushed = False


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    yield
    try:
        cache.clear()
    except Exception:  # noqa: S110 - a cache that is down has nothing to clear
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from tests.browser.harness import CHROMIUM, install_missing

    missing = install_missing()
    require_service("chromium and axe-core", not missing, f"missing: {missing}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread until the session ends; database calls
    # of the tests are still synchronous and safe (the documented setting for driving Django with Playwright).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A Japanese page in a fresh context; the live server's data is the seeded base data."""
    # axe-core is injected as a script, which the portal's CSP forbids; only the test's context bypasses it.
    context = browser.new_context(locale="ja-JP", bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


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
        client.force_login(users[username], backend="portal.backends.PortalModelBackend")
        return client

    return make
