"""Municipalities report their migration: the status of each of the 20 businesses and the state of its steps.

Like every change in the catalog, each function checks the policy, runs in one transaction and writes its audit
record there. A prefecture may report on behalf of its municipalities (recorded as `on_behalf_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.api.errors import Conflict
from portal.audit import audit_record, audit_snapshot
from portal.models import Organization

from .models import (
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    MigrationStatusValue,
    PublishedSnapshotKind,
    Source,
    StepDefinition,
    StepProgress,
    StepState,
)

STATUS_FIELDS = ["status", "planned_fiscal_year", "vendor_name", "on_gov_cloud"]
FIRST_PLANNED_YEAR = 2020
LAST_PLANNED_YEAR = 2035


class StaleVersionError(Conflict):
    """Someone saved the record since it was read (HTTP 409 through the API, a form error on pages)."""

    def __init__(self, detail: Any = None, code: Any = None) -> None:
        # Translated when raised, in the language of the request.
        super().__init__(detail or stale_message(), code)


class RowValidationError(ValidationError):
    """A bad row among several saved together: names the row, so the form can show the error beside it."""

    def __init__(self, row: MigrationStatus, error: ValidationError) -> None:
        super().__init__(error.message_dict if hasattr(error, "error_dict") else {"status": error.messages})
        self.row = row


def stale_message() -> str:
    return _("ほかの人が先に更新しました。最新の内容を確認してから、もう一度保存してください。")


def _on_behalf_of(actor: Any, municipality: Organization) -> Organization | None:
    org = policy.org_of(actor)
    return municipality if org is not None and org.pk != municipality.pk else None


def _clean_status(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    status = data.get("status")
    if status not in MigrationStatusValue.values:
        errors["status"] = _("進捗が正しくありません。")
    year = data.get("planned_fiscal_year")
    if year is not None and not (isinstance(year, int) and FIRST_PLANNED_YEAR <= year <= LAST_PLANNED_YEAR):
        errors["planned_fiscal_year"] = _("移行予定年度は%(a)d年度から%(b)d年度の間で指定してください。") % {
            "a": FIRST_PLANNED_YEAR,
            "b": LAST_PLANNED_YEAR,
        }
    elif status == MigrationStatusValue.DESIGNATED_HARD and year is None:
        errors["planned_fiscal_year"] = _("特定移行支援システムは移行予定年度を入力してください。")
    vendor = (data.get("vendor_name") or "").strip()
    if len(vendor) > 200:
        errors["vendor_name"] = _("事業者名は200文字以内で入力してください。")
    if errors:
        raise ValidationError(errors)
    return {
        "status": status,
        "planned_fiscal_year": year,
        "vendor_name": vendor,
        "on_gov_cloud": data.get("on_gov_cloud"),
    }


def migration_status_update(
    *, actor: Any, status_row: MigrationStatus, data: dict[str, Any], version: int
) -> MigrationStatus:
    """Record a municipality's own report of one business's status (source becomes `reported`).

    Atomic and audited (before/after; `on_behalf_of` when its prefecture enters it). `version` is the one the
    caller read: the row is written with UPDATE … WHERE version = that, so of two concurrent saves from the same
    version exactly one wins and the other gets StaleVersionError (409) — an update is never silently lost.
    """
    municipality = status_row.municipality
    policy.require(actor, "catalog.edit_migration_status", municipality)
    values = _clean_status(data)
    with transaction.atomic():
        current = MigrationStatus.objects.get(pk=status_row.pk)
        if current.version != version:
            raise StaleVersionError()
        before = audit_snapshot(current, [*STATUS_FIELDS, "source", "version"])
        changed = MigrationStatus.objects.filter(pk=current.pk, version=version).update(
            **values, source=Source.REPORTED, version=F("version") + 1, updated_at=timezone.now()
        )
        if changed != 1:
            raise StaleVersionError()
        current.refresh_from_db()
        designated_plans_sync([current])
        audit_record(
            actor=actor,
            target=current,
            action="report",
            before=before,
            after=audit_snapshot(current, [*STATUS_FIELDS, "source", "version"]),
            on_behalf_of=_on_behalf_of(actor, municipality),
        )
    return current


def designated_plans_sync(statuses: Iterable[MigrationStatus]) -> None:
    """Carry the planned fiscal years of reported statuses into the published 特定移行支援システム list.

    Used by the form, the API and the import alike, so the list shows the year a municipality last reported.
    One UPDATE per distinct (year, business).
    """
    groups: dict[tuple[int, int], list[int]] = {}
    for status in statuses:
        if status.planned_fiscal_year is not None:
            groups.setdefault((status.planned_fiscal_year, status.business_id), []).append(status.municipality_id)
    for (year, business_id), municipalities in groups.items():
        DesignatedSystem.objects.filter(
            snapshot__kind=PublishedSnapshotKind.DESIGNATED_SYSTEMS,
            business_id=business_id,
            organization_id__in=municipalities,
        ).update(planned_fiscal_year=year)


def migration_statuses_update(
    *, actor: Any, municipality: Organization, changes: list[tuple[MigrationStatus, dict[str, Any], int]]
) -> list[MigrationStatus]:
    """Save several businesses' statuses of one municipality at once (the form of 20): all or none."""
    policy.require(actor, "catalog.edit_migration_status", municipality)
    saved = []
    with transaction.atomic():
        for row, data, version in changes:
            if row.municipality_id != municipality.pk:
                continue
            try:
                saved.append(migration_status_update(actor=actor, status_row=row, data=data, version=version))
            except ValidationError as exc:
                raise RowValidationError(row, exc) from exc
    return saved


def step_progress_update(
    *,
    actor: Any,
    municipality: Organization,
    business: BusinessArea,
    states: dict[StepDefinition, str],
    reported_month: dt.date,
) -> int:
    """Report the state of the steps of one business (done / in progress / not started / not applicable).

    Atomic; each changed step gets an audit entry (before/after, `on_behalf_of` for a prefecture's entry).
    Returns how many steps changed.
    """
    policy.require(actor, "catalog.edit_step_progress", municipality)
    bad = [step.number for step, state in states.items() if state not in StepState.values]
    if bad:
        raise ValidationError(
            {"states": _("作業手順 %(n)s の状況が正しくありません。") % {"n": ", ".join(map(str, bad))}}
        )
    behalf = _on_behalf_of(actor, municipality)
    changed = 0
    with transaction.atomic():
        existing = {
            p.step_id: p
            for p in StepProgress.objects.select_for_update().filter(
                municipality=municipality, business=business, step__in=list(states)
            )
        }
        for step, state in states.items():
            row = existing.get(step.pk)
            if row is not None and row.state == state:
                continue
            before = {"state": row.state} if row is not None else None
            if row is None:
                row = StepProgress(municipality=municipality, business=business, step=step)
            row.state = state
            row.reported_month = reported_month
            row.is_demo = False
            row.save()
            audit_record(
                actor=actor,
                target=row,
                action="report_step",
                before=before,
                after={"state": state, "reported_month": reported_month.isoformat()},
                on_behalf_of=behalf,
            )
            changed += 1
    return changed
