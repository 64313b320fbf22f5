"""Background work of the subsidies app: e-mail to the people who must act next. Safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from portal.models import User

NEXT_ACTORS = {
    # to_status -> who is told
    "submitted": "prefecture",
    "under_review": "ministry",
    "returned": "applicant",
    "approved": "applicant",
    "rejected": "applicant",
    "reported": "ministry",
    "fixed": "ministry_and_applicant",
    "paid": "applicant",
}


def recipients(event: Any) -> list[str]:
    """E-mail addresses of the people who must act (or need to know) after an event, not its actor."""
    claim = event.claim
    who = NEXT_ACTORS.get(event.to_status)
    if who is None:
        return []
    condition = Q(pk__in=[])
    if who == "prefecture":
        condition = Q(organization_id=claim.applicant.prefecture_id)
    if who in ("ministry", "ministry_and_applicant"):
        condition |= Q(organization_id=claim.program.owner_id)
    if who in ("applicant", "ministry_and_applicant"):
        condition |= Q(organization_id=claim.applicant_id)
    users = User.objects.filter(condition, is_active=True).exclude(pk=event.actor_id).exclude(email="")
    return sorted({u.email for u in users})


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_claim_event(event_id: int) -> int:
    """E-mail the next actors of one claim event; returns how many were written to."""
    from .models import ClaimEvent
    from .workflow import ACTION_DONE

    event = ClaimEvent.objects.select_related("claim__applicant", "claim__program", "actor").filter(pk=event_id).first()
    if event is None:
        return 0
    addresses = recipients(event)
    if not addresses:
        return 0
    context = {
        "event": event,
        "claim": event.claim,
        "action": ACTION_DONE.get(event.action, event.action),
        "link": settings.PORTAL_BASE_URL + reverse("subsidies:claim-detail", args=[event.claim_id]),
    }
    subject = f"【国・地方デジタル共通基盤ポータル】交付申請「{event.claim.title}」：{context['action']}"
    body = render_to_string("subsidies/email/claim_event.txt", context)
    send_mass_mail([(subject[:200], body, None, [address]) for address in addresses])
    return len(addresses)
