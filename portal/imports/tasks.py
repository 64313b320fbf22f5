"""Large imports run in the worker. The task takes the record's id and is safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


# A dropped database connection rolls the import back; the retry starts again from the kept file.
@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def import_run(record_id: int) -> str:
    from .services import import_run as run

    record = run(record_id=record_id)
    return record.status if record is not None else "missing"
