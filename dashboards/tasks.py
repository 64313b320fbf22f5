"""The nightly build (Celery beat at 02:00 JST, see CELERY_BEAT_SCHEDULE). Safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def build_aggregates(date: str | None = None, metric: str | None = None) -> list[dict[str, object]]:
    """Build every metric (or one) for the date given as YYYY-MM-DD (default: today, Asia/Tokyo).

    The same code as `manage.py build_aggregates`; each metric's period is rebuilt whole and swapped in
    atomically, so a retry or a second delivery only writes the same rows again.
    """
    from .services import aggregates_build_all

    period = dt.date.fromisoformat(date) if date else None
    builds = aggregates_build_all(period=period, names=[metric] if metric else None)
    return [{"metric": b.metric, "period": b.period.isoformat(), "rows": b.rows_written} for b in builds]
