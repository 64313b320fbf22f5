"""Every change to the catalog goes through these functions: each checks the policy, runs in one transaction and
writes its audit record there, so a change and its history are committed together or not at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
    Offering,
    OfferingStatus,
    SharedSystem,
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
ADOPTION_FIELDS = ["system", "offering", "status", "since", "note"]


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
