"""Catalog tests run on the real published figures: loaded once per test database, beside the local governments."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from catalog.published import load_published_figures
    from catalog.steps import load_step_definitions

    with django_db_blocker.unblock():
        load_published_figures()
        load_step_definitions()
