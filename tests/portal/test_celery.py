"""A real Celery worker process on Redis runs a real task end to end.

The worker is `celery -A portal worker`, configured by the portal's own settings, reading the test database
(PostgreSQL: a separate process cannot see SQLite's in-memory test database). CI has both; locally it may skip.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from conftest import require_service
from portal.celery import app
from portal.models import Organization, User
from portal.tasks import send_invitation

ROOT = Path(__file__).resolve().parents[2]


def _redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_on_redis_sends_an_invitation(tmp_path):
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    require_service("Redis", _redis_up(url))
    require_service("PostgreSQL", connection.vendor == "postgresql", "the worker process reads the test database")
    broker = url.rsplit("/", 1)[0] + "/14"  # a queue of its own, so no stray task of another run is picked up
    manager = User.objects.get(username="obuse-manager")
    invitee = User.objects.create(
        username="worker-test@example.lg.jp",
        email="worker-test@example.lg.jp",
        organization=Organization.objects.get(code="205419"),
    )
    invitee.set_unusable_password()
    invitee.save()

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with app.connection_for_write(broker) as conn:
            # send_task always goes through the broker (the test settings run .delay() eagerly).
            app.send_task(send_invitation.name, (invitee.pk, manager.pk), connection=conn)
        deadline = time.monotonic() + 60
        while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else "worker exited"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    messages = [path.read_text(encoding="utf-8") for path in tmp_path.iterdir()]
    assert len(messages) == 1
    assert "To: worker-test@example.lg.jp" in messages[0]
