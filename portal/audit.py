"""The audit trail: every change to claims, migration statuses and procurements is kept here.

Services call `audit_record` inside the transaction that makes the change, so a change and its record
are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import AuditEntry, Organization


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def audit_snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-ready dict of `fields` of `obj` (foreign keys as their ids)."""
    snapshot = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        snapshot[name] = _plain(getattr(obj, attname))
    return snapshot


def audit_record(
    *,
    actor: Any,
    target: Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str = "",
    on_behalf_of: Organization | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records."""
    return AuditEntry.objects.create(**_entry_fields(actor, target, action, before, after, comment, on_behalf_of))


def audit_record_many(entries: Iterable[dict[str, Any]]) -> int:
    """Write many entries at once (imports); each dict has the keyword arguments of `audit_record`."""
    rows = [
        AuditEntry(
            **_entry_fields(
                e["actor"],
                e["target"],
                e["action"],
                e.get("before"),
                e.get("after"),
                e.get("comment", ""),
                e.get("on_behalf_of"),
            )
        )
        for e in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _entry_fields(
    actor: Any,
    target: Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    comment: str,
    on_behalf_of: Organization | None,
) -> dict[str, Any]:
    real_actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return {
        "actor": real_actor,
        "actor_organization_id": getattr(real_actor, "organization_id", None),
        "on_behalf_of": on_behalf_of,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": str(target.pk),
        "target_repr": str(target)[:200],
        "action": action,
        "comment": comment,
        "before": before,
        "after": after,
    }


def audit_history(target: Model) -> QuerySet[AuditEntry]:
    """The timeline of one record, oldest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor", "actor_organization", "on_behalf_of")
