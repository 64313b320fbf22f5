"""Queueing Celery tasks so that a broker outage loses nothing and breaks no request.

`enqueue_on_commit(task, *args)` queues after the surrounding transaction commits. When the broker (Redis) does
not answer, the task is kept in PendingTask and `send_pending_tasks` (every minute, from beat) sends it again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from .models import PendingTask

logger = logging.getLogger(__name__)

# Fail fast: a request waits at most about a second for a broker that is down.
_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
_BROKER_DOWN = (BrokerError, ConnectionError, OSError, TimeoutError)


def enqueue(task: Task, *args: Any) -> bool:
    """Send the task now; if the broker is down keep it for later. True when it was sent."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=_RETRY_POLICY)
    except _BROKER_DOWN as exc:
        logger.warning("broker unavailable, keeping %s for later: %s", task.name, exc)
        PendingTask.objects.create(task_name=task.name, args=list(args), last_error=str(exc)[:1000])
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue the task once the current transaction commits (never for a change that was rolled back)."""
    transaction.on_commit(lambda: enqueue(task, *args))


def send_pending_tasks(limit: int = 500) -> int:
    """Send tasks kept while the broker was down, oldest first; stops at the first failure. Returns how many."""
    sent = 0
    for pending in PendingTask.objects.all()[:limit]:
        try:
            current_app.send_task(pending.task_name, args=pending.args, retry=True, retry_policy=_RETRY_POLICY)
        except _BROKER_DOWN as exc:
            PendingTask.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1, last_error=str(exc)[:1000])
            break
        pending.delete()
        sent += 1
    return sent
