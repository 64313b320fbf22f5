"""The audit history of a procurement as a timeline the case page shows (organizations, not people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_history

from . import workflow
from .models import JointProcurement, Participation, ParticipationStatus

ACTION_LABELS = {
    "create": _("登録"),
    "update": _("内容の更新"),
    "invite": _("参加の招待"),
    "uninvite": _("招待の取消し"),
    "answer": _("参加意向の回答"),
    "document": _("資料の登録"),
}


@dataclass(frozen=True)
class Event:
    at: Any
    organization: str
    label: str
    detail: str
    comment: str


# Who was invited and how each answered is for the lead prefecture and officials (rule procurement.view_answers).
PRIVATE_ACTIONS = {"invite", "uninvite", "answer"}


def timeline_for(procurement: JointProcurement, participations: list[Participation], *, full: bool) -> list[Event]:
    """Newest first. Details name the municipality concerned; comments of answers are left to the case page.

    Without `full`, invitations and answers are left out and only public documents are named."""
    names = {p.municipality.code: p.municipality.name for p in participations}
    labels: dict[str, Any] = dict(ACTION_LABELS)
    labels |= {f"status:{t.action}": t.label for t in workflow.TRANSITIONS}
    answers = dict(ParticipationStatus.choices)
    events = []
    for entry in audit_history(procurement).select_related("actor_organization__prefecture"):
        after = entry.after or {}
        before = entry.before or {}
        if not full and entry.action in PRIVATE_ACTIONS:
            continue
        detail = ""
        code = after.get("municipality") or before.get("municipality")
        if code:
            detail = names.get(code, code)
            if entry.action == "answer":
                detail = f"{detail}：{answers.get(after.get('status', ''), '')}"
        elif entry.action == "document" and (full or after.get("visibility") == "public"):
            detail = str(after.get("title", ""))
        elif entry.action == "update":
            fields = [
                str(getattr(JointProcurement._meta.get_field(f), "verbose_name", f)) for f in after if _is_field(f)
            ]
            detail = "、".join(fields)
        events.append(
            Event(
                at=entry.at,
                organization=str(entry.actor_organization or ""),
                label=str(labels.get(entry.action, entry.action)),
                detail=detail,
                comment=entry.comment if entry.action.startswith("status:") else "",
            )
        )
    return list(reversed(events))


def _is_field(name: str) -> bool:
    try:
        JointProcurement._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
