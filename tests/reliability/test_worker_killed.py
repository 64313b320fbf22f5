"""A Celery worker killed (SIGKILL) in the middle of the nightly build: the dashboards keep showing the previous
build, the build's advisory lock goes with the dead worker's connection, and the next build completes.

The worker is a real `celery -A portal worker` process on Redis reading the test database. To catch it mid-build
without slowing the portal down, the test holds an exclusive lock on the joint-procurement table the metric reads:
the worker's build has then deleted the period's old rows (in its open transaction), holds the build lock and
waits — the moment it is killed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.db import connection

from conftest import require_service
from dashboards import services
from dashboards.models import Build, BuildStatus
from dashboards.selectors import current_build
from portal.celery import app

from .services import REDIS_URL, redis_up

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # send_task goes to the broker
]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("REDIS_URL", REDIS_URL).rsplit("/", 1)[0] + "/12"  # a queue of its own
DAY = dt.date(2026, 2, 1)
API = "/api/v1/dashboards/joint-procurement/"
TABLE = "procurement_jointprocurement"


def _wait(condition: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        time.sleep(0.2)
    return result


def _dsn() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker() -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    require_service("Redis", redis_up())
    require_service("PostgreSQL", connection.vendor == "postgresql", "the worker process reads the test database")
    redis.Redis.from_url(BROKER).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": _dsn(),
        "REDIS_URL": BROKER,
        "CELERY_BROKER_URL": BROKER,
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
    redis.Redis.from_url(BROKER).flushdb()


def _send_build() -> None:
    with app.connection_for_write(BROKER) as conn:
        # send_task always goes through the broker (the test settings run .delay() eagerly).
        app.send_task("dashboards.tasks.build_aggregates", (DAY.isoformat(), "joint_procurement"), connection=conn)


def _backend_waiting_on_table() -> int | None:
    """The pid of a backend that holds the build's advisory lock and waits for the locked table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT waiting.pid FROM pg_locks waiting
            JOIN pg_locks advisory ON advisory.pid = waiting.pid AND advisory.locktype = 'advisory' AND advisory.granted
            WHERE NOT waiting.granted AND waiting.relation = %s::regclass
            """,
            [TABLE],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _page(client: Any) -> str:
    """The dashboard page as a reader sees it (without the per-request CSRF token)."""
    response = client.get("/dashboards/joint-procurement/")
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        return int(cursor.fetchone()[0])


def test_killing_the_worker_mid_build_keeps_the_previous_build_and_the_next_one_completes(
    client: Any, api_as: Any, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    previous = services.aggregates_build(metric="joint_procurement", period=DAY)
    shown = client.get(API).json()
    page = _page(client)
    registered = api_as("nagano-pref-staff").post(  # the next build has one more public procurement to count
        "/api/v1/procurement/joint-procurements/",
        {
            "title": "障害試験 共同調達",
            "category": "e_application",
            "method": "proposal",
            "status": "recruiting",
            "participants": ["205419"],
            "cost_sharing": {"equal": "1"},
        },
        format="json",
    )
    assert registered.status_code == 201, registered.content

    worker = start_worker()
    with psycopg.connect(_dsn()) as holder:
        holder.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        _send_build()
        _wait(_backend_waiting_on_table, "the worker's build to reach the locked table")
        # Mid-build: the old rows are deleted inside the worker's open transaction; readers still see them.
        assert client.get(API).json() == shown
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=20) == -signal.SIGKILL
        assert client.get(API).json() == shown
    # The table is free again; the dead worker's connection ends, its transaction is rolled back and the
    # advisory lock released without anyone's help.
    _wait(lambda: _backend_waiting_on_table() is None and _advisory_locks() == 0, "the build lock to be released")
    assert client.get(API).json() == shown
    assert _page(client) == page
    assert current_build("joint_procurement") == previous
    assert not Build.objects.filter(status=BuildStatus.DONE).exclude(pk=previous.pk).exists()
    killed = Build.objects.filter(metric="joint_procurement", status=BuildStatus.RUNNING).get()

    start_worker()
    _send_build()
    latest = _wait(
        lambda: (
            Build.objects.filter(metric="joint_procurement", status=BuildStatus.DONE).exclude(pk=previous.pk).first()
        ),
        "the next build to complete",
    )
    assert current_build("joint_procurement") == latest
    killed.refresh_from_db()
    assert killed.status == BuildStatus.FAILED and "interrupted" in killed.error  # not "running" forever
    after = client.get(API).json()
    assert after != shown and after["as_of"] != shown["as_of"]
    counted = sum(row.get("procurements", 0) for row in after["series"])
    assert counted == sum(row.get("procurements", 0) for row in shown["series"]) + 1
