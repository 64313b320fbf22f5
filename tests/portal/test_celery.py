"""A real Celery worker on Redis runs a real task end to end (CI has Redis; locally it may skip)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from conftest import require_service
from portal.celery import app
from portal.models import Organization, User
from portal.tasks import send_invitation


def _redis_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_sends_an_invitation(reseed, settings):
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    require_service("Redis", _redis_up(url))
    broker = url.rsplit("/", 1)[0] + "/15"  # a database of its own, so no stray task of another run is picked up
    manager = User.objects.get(username="obuse-manager")
    invitee = User.objects.create(
        username="worker-test@example.lg.jp",
        email="worker-test@example.lg.jp",
        organization=Organization.objects.get(code="205419"),
    )
    invitee.set_unusable_password()
    invitee.save()

    previous = app.conf.broker_url
    app.close()  # drop connections made for another broker
    app.conf.update(broker_url=broker, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=10):
            send_invitation.delay(invitee.pk, manager.pk)
            deadline = time.monotonic() + 30
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.close()
        app.conf.update(broker_url=previous, task_always_eager=True)
    assert [m.to for m in mail.outbox] == [["worker-test@example.lg.jp"]]
    assert "パスワードを設定" in mail.outbox[0].body
