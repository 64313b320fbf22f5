"""Catalog tests run on the real published figures: loaded once per test database, beside the local governments,
and loaded again when a transactional test (or a live server) elsewhere has emptied the tables."""

from __future__ import annotations

from typing import Any

import pytest

_loaded = False


def _load_catalog_data() -> None:
    from catalog.published import load_published_figures
    from catalog.steps import load_step_definitions
    from portal import demo
    from portal.local_governments import load_local_governments
    from portal.models import Organization

    if Organization.objects.filter(kind="municipality").count() < 1741:
        load_local_governments()
        demo.seed()
    load_published_figures()
    load_step_definitions()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    global _loaded
    with django_db_blocker.unblock():
        _load_catalog_data()
    _loaded = True


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before each catalog test (outside its transaction): put the catalog data back if it is gone."""
    if not _loaded:
        return  # the test database is not set up yet; django_db_setup will load it
    from pytest_django.plugin import blocking_manager_key

    from catalog.models import PublishedSnapshot

    with item.config.stash[blocking_manager_key].unblock():
        if not PublishedSnapshot.objects.exists():
            _load_catalog_data()
