"""Two builds of one metric never interleave: on PostgreSQL the second waits for the first's advisory lock."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from dashboards import services
from dashboards.models import Build, BuildStatus


@pytest.mark.django_db(transaction=True)
def test_a_second_build_waits_for_the_first(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with its single write lock; the advisory lock is PostgreSQL's")
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_build_in_progress() -> None:
        try:
            with transaction.atomic():
                services._lock("kpi")
                holding.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def second_build() -> None:
        try:
            services.aggregates_build(metric="kpi", period=dt.date(2026, 2, 1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=first_build_in_progress)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=second_build)
    second.start()
    time.sleep(1.0)
    assert Build.objects.get().status == BuildStatus.RUNNING  # waiting on the lock, nothing written
    release.set()
    first.join(10)
    second.join(20)
    assert errors == []
    assert Build.objects.get().status == BuildStatus.DONE
