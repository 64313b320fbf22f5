"""Background work of the portal app. Tasks take ids and are safe to run twice."""

from celery import shared_task

from .models import User


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_invitation(user_id: int, inviter_id: int) -> bool:
    """E-mail an invited person the link to set a password. Sending twice only repeats the e-mail."""
    from .services import invitation_send

    user = User.objects.filter(pk=user_id, is_active=True).first()
    inviter = User.objects.filter(pk=inviter_id).first()
    if user is None or inviter is None or user.has_usable_password():
        return False  # deactivated, or already set up: nothing to send
    invitation_send(user=user, inviter=inviter)
    return True


@shared_task
def send_pending_tasks() -> int:
    """Send again the tasks kept while the broker was down (every minute, from beat)."""
    from .queue import send_pending_tasks as send

    return send()


# Celery's autodiscovery imports `<app>.tasks`; the import framework's task lives in portal/imports/tasks.py.
from .imports.tasks import import_run  # noqa: E402, F401
