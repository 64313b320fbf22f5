"""Redis down: pages still serve, queued work is kept, and it is sent when Redis returns."""

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from conftest import require_service
from portal.celery import app
from portal.models import PendingTask, User
from portal.queue import send_pending_tasks
from portal.services import user_invite

from .services import REDIS_URL, redis_up, start_redis, stop_redis

pytestmark = [pytest.mark.services, pytest.mark.django_db]

BROKER = REDIS_URL.rsplit("/", 1)[0] + "/13"
REDIS_CACHE = {"default": {"BACKEND": "portal.cache.FailsafeRedisCache", "LOCATION": BROKER}}


@pytest.fixture
def redis_backed(settings, monkeypatch):
    require_service("Redis", redis_up())
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to the configured broker_url
    previous = app.conf.broker_url
    _drop_connections()
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    with override_settings(CACHES=REDIS_CACHE):
        yield
    start_redis()
    _drop_connections()
    app.conf.update(broker_url=previous, task_always_eager=True)
    redis.Redis.from_url(BROKER).flushdb()


def _drop_connections() -> None:
    """Forget broker connections made for another broker URL (the app keeps a pool and a producer pool)."""
    app.close()
    app.amqp._producer_pool = None


def test_pages_and_api_serve_while_redis_is_down(client, redis_backed):
    cache.set("probe", 1)
    stop_redis()
    assert cache.get("probe") is None  # a miss, not an error
    for path in ["/", "/organizations/", "/organizations/205419/", "/api/v1/organizations/?kind=prefecture"]:
        assert client.get(path).status_code == 200, path


def test_a_task_queued_while_redis_is_down_is_sent_when_it_returns(
    users, redis_backed, django_capture_on_commit_callbacks
):
    stop_redis()
    with django_capture_on_commit_callbacks(execute=True):
        invitee = user_invite(
            actor=users["obuse-manager"],
            organization=users["obuse-manager"].organization,
            email="outage@example.lg.jp",
            full_name="障害 時子",
        )
    assert User.objects.filter(pk=invitee.pk).exists()  # the change itself is kept
    pending = PendingTask.objects.get()
    assert pending.task_name == "portal.tasks.send_invitation" and pending.args == [
        invitee.pk,
        users["obuse-manager"].pk,
    ]
    assert send_pending_tasks() == 0  # still down: kept

    start_redis()
    assert send_pending_tasks() == 1
    assert not PendingTask.objects.exists()
    assert redis.Redis.from_url(BROKER).llen("celery") == 1  # waiting in the queue for a worker
    assert mail.outbox == []
