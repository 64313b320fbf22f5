"""Every change to the catalog goes through these functions: each checks the policy, runs in one transaction and
writes its audit record there, so a change and its history are committed together or not at all."""

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
from portal.japanese import search_key
from portal.models import Organization

from .models import (
    Adoption,
    AdoptionStatus,
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    MigrationStatusValue,
    Offering,
    OfferingStatus,
    PublishedSnapshotKind,
    SharedSystem,
    Source,
    StepDefinition,
    StepProgress,
    StepState,
)

SYSTEM_FIELDS = [
    "name",
    "name_kana",
    "slug",
    "pattern",
    "owner",
    "description",
    "spec_name",
    "spec_version",
    "gov_cloud",
    "lifecycle",
]
OFFERING_FIELDS = [
    "product_name",
    "spec_version",
    "price_model",
    "price_min",
    "price_max",
    "gov_cloud_hosted",
    "marketplace_url",
]
STATUS_FIELDS = ["status", "planned_fiscal_year", "vendor_name", "on_gov_cloud"]
ADOPTION_FIELDS = ["system", "offering", "status", "since", "note"]
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


def system_search_key(*, name: str, name_kana: str, slug: str = "") -> str:
    """The folded key search matches: name, kana reading and slug (まどぐち, ﾏﾄﾞｸﾞﾁ and マドグチ all fold alike)."""
    return "|".join(search_key(part) for part in (name, name_kana, slug.replace("-", " ")) if part)


# Catalog entries (national officials) -----------------------------------------------------------


def system_save(
    *,
    actor: Any,
    data: dict[str, Any],
    business_areas: list[BusinessArea],
    system: SharedSystem | None = None,
) -> SharedSystem:
    """Create a shared system, or change one. Atomic; national officials only."""
    policy.require(actor, "catalog.edit_system", system)
    with transaction.atomic():
        before = audit_snapshot(system, SYSTEM_FIELDS) if system is not None else None
        target = system or SharedSystem()
        for name in SYSTEM_FIELDS:
            if name in data:
                setattr(target, name, data[name])
        target.search_key = system_search_key(name=target.name, name_kana=target.name_kana, slug=target.slug)
        target.full_clean()
        target.save()
        target.business_areas.set(business_areas)
        audit_record(
            actor=actor,
            target=target,
            action="update" if system is not None else "create",
            before=before,
            after=audit_snapshot(target, SYSTEM_FIELDS) | {"business_areas": [b.slug for b in business_areas]},
        )
    return target


# Offerings (vendors propose, officials review) --------------------------------------------------


def _check_prices(data: dict[str, Any]) -> None:
    low, high = data.get("price_min"), data.get("price_max")
    if low is not None and high is not None and low > high:
        raise ValidationError({"price_max": _("参考価格の上限は下限以上にしてください。")})


def offering_propose(
    *, actor: Any, system: SharedSystem, vendor: Organization, slug: str, data: dict[str, Any]
) -> Offering:
    """A vendor proposes an offering of a pattern B system; it stays `proposed` (seen only by the vendor and
    officials) until an official publishes it. Atomic."""
    policy.require(actor, "catalog.propose_offering", system)
    if not policy.is_national(actor) and policy.org_of(actor) != vendor:
        raise ValidationError({"vendor": _("自社の提供サービスだけを登録できます。")})
    _check_prices(data)
    with transaction.atomic():
        offering = Offering(system=system, vendor=vendor, slug=slug, status=OfferingStatus.PROPOSED)
        for name in OFFERING_FIELDS:
            if name in data:
                setattr(offering, name, data[name])
        offering.full_clean()
        offering.save()
        audit_record(actor=actor, target=offering, action="propose", after=audit_snapshot(offering, OFFERING_FIELDS))
    return offering


def offering_update(*, actor: Any, offering: Offering, data: dict[str, Any]) -> Offering:
    """Change an offering. A vendor's change goes back to review (`proposed`) before it is shown again. Atomic."""
    policy.require(actor, "catalog.edit_offering", offering)
    _check_prices(data)
    with transaction.atomic():
        before = audit_snapshot(offering, [*OFFERING_FIELDS, "status"])
        for name in OFFERING_FIELDS:
            if name in data:
                setattr(offering, name, data[name])
        if not policy.is_national(actor):
            offering.status = OfferingStatus.PROPOSED
        offering.full_clean()
        offering.save()
        audit_record(
            actor=actor,
            target=offering,
            action="update",
            before=before,
            after=audit_snapshot(offering, [*OFFERING_FIELDS, "status"]),
        )
    return offering


def _offering_review(*, actor: Any, offering: Offering, to: str, comment: str) -> Offering:
    policy.require(actor, "catalog.review_offering", offering)
    with transaction.atomic():
        locked = Offering.objects.select_for_update().get(pk=offering.pk)
        if locked.status != OfferingStatus.PROPOSED:
            raise Conflict(_("審査待ちの提供サービスだけを公開・非承認にできます。"))
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            target=locked,
            action="publish" if to == OfferingStatus.PUBLISHED else "decline",
            before={"status": OfferingStatus.PROPOSED},
            after={"status": to},
            comment=comment,
        )
    offering.status = to
    return offering


def offering_publish(*, actor: Any, offering: Offering, comment: str = "") -> Offering:
    """Publish a proposed offering (national officials). Atomic; 409 when it is not awaiting review."""
    return _offering_review(actor=actor, offering=offering, to=OfferingStatus.PUBLISHED, comment=comment)


def offering_decline(*, actor: Any, offering: Offering, comment: str) -> Offering:
    """Decline a proposed offering with a reason the vendor sees (national officials). Atomic."""
    if not comment.strip():
        raise ValidationError({"comment": _("非承認の理由を入力してください。")})
    return _offering_review(actor=actor, offering=offering, to=OfferingStatus.DECLINED, comment=comment)


# Adoptions (the organization itself) ------------------------------------------------------------


def adoption_save(
    *,
    actor: Any,
    organization: Organization,
    system: SharedSystem,
    status: str,
    offering: Offering | None = None,
    since: dt.date | None = None,
    note: str = "",
) -> Adoption:
    """Record (or change) the organization's use of a system. Only the organization itself; atomic."""
    policy.require(actor, "catalog.edit_adoption", organization)
    if status not in AdoptionStatus.values:
        raise ValidationError({"status": _("状況が正しくありません。")})
    if offering is not None and offering.system_id != system.pk:
        raise ValidationError({"offering": _("このシステムの提供サービスを選んでください。")})
    with transaction.atomic():
        adoption = Adoption.objects.select_for_update().filter(organization=organization, system=system).first()
        before = audit_snapshot(adoption, ADOPTION_FIELDS) if adoption else None
        adoption = adoption or Adoption(organization=organization, system=system)
        adoption.offering = offering
        adoption.status = status
        adoption.since = since
        adoption.note = note
        adoption.full_clean(validate_unique=False)
        adoption.save()
        audit_record(
            actor=actor,
            target=adoption,
            action="update" if before else "create",
            before=before,
            after=audit_snapshot(adoption, ADOPTION_FIELDS),
        )
    return adoption


def adoption_delete(*, actor: Any, adoption: Adoption) -> None:
    """Remove an adoption recorded by mistake (the organization itself). Atomic, audited."""
    policy.require(actor, "catalog.edit_adoption", adoption.organization)
    with transaction.atomic():
        audit_record(actor=actor, target=adoption, action="delete", before=audit_snapshot(adoption, ADOPTION_FIELDS))
        adoption.delete()


# Migration status and step progress (the municipality, or its prefecture on its behalf) ----------


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
