"""Keeping what is derived from the catalog in step with it: each system's stored `adoption_count` and the catalog
version token the search results are cached under.

Both are kept by whoever writes: the model signals below cover every single-row save and delete (forms, the API,
the shell, cascades from a deleted organization), and the bulk writers, which skip signals (imports, the demo and
national generators), call `adoptions_recount` and `catalog_changed` themselves. Both run in the writer's
transaction, so they commit or roll back with the change they describe.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.models import Organization

from .models import Adoption, AdoptionStatus, BusinessArea, CatalogVersion, Offering, SharedSystem

VERSION_ROW = 1


def adoptions_recount(system_ids: Iterable[int] | None = None) -> None:
    """Set these systems' `adoption_count` (None: every system's) to their number of in-use adoptions, and give
    the catalog a new version. Idempotent.

    The systems' rows are locked before counting: a concurrent recount of the same system then waits for this
    transaction and counts afresh. (A lone `UPDATE … SET n = (SELECT COUNT …)` would count with the snapshot it
    took before waiting, and could overwrite the other transaction's newer count.)"""
    systems = SharedSystem.objects.all()
    if system_ids is not None:
        ids = sorted(set(system_ids))
        if not ids:
            return
        systems = systems.filter(pk__in=ids)
    in_use = (
        Adoption.objects.filter(system=OuterRef("pk"), status=AdoptionStatus.IN_USE)
        .order_by()
        .values("system")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with transaction.atomic():
        list(systems.select_for_update().order_by("pk").values_list("pk", flat=True))
        systems.update(adoption_count=Coalesce(Subquery(in_use, output_field=IntegerField()), Value(0)))
        catalog_changed()


def catalog_changed() -> None:
    """Give the catalog a new version token, in the caller's transaction (cached search results become stale)."""
    token = uuid.uuid4().hex
    if not CatalogVersion.objects.filter(pk=VERSION_ROW).update(token=token):
        # The row is gone (a flushed test database): make it again, then take it like any writer would.
        CatalogVersion.objects.bulk_create([CatalogVersion(pk=VERSION_ROW, token=token)], ignore_conflicts=True)
        CatalogVersion.objects.filter(pk=VERSION_ROW).update(token=token)


def catalog_version() -> str | None:
    """The current token; None when there is none (then nothing may be cached)."""
    return CatalogVersion.objects.filter(pk=VERSION_ROW).values_list("token", flat=True).first()


# Signals: single-row writes ----------------------------------------------------------------------


def _adoption_written(sender: Any, instance: Adoption, **kwargs: Any) -> None:
    adoptions_recount([instance.system_id])


def _system_saved(sender: Any, instance: SharedSystem, **kwargs: Any) -> None:
    # save() writes every column, `adoption_count` included, from a copy that may be older than the adoptions.
    adoptions_recount([instance.pk])


def _organization_saved(sender: Any, instance: Organization, **kwargs: Any) -> None:
    # The systems list names each system's owner by its code.
    if SharedSystem.objects.filter(owner_id=instance.pk).exists():
        catalog_changed()


def _changed(sender: Any, **kwargs: Any) -> None:
    catalog_changed()


def _areas_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        catalog_changed()


def connect() -> None:
    """Called once, from the app's ready()."""
    for signal in (post_save, post_delete):
        signal.connect(_adoption_written, sender=Adoption, dispatch_uid="catalog-adoption-count")
        signal.connect(_changed, sender=Offering, dispatch_uid="catalog-version-offering")
        signal.connect(_changed, sender=BusinessArea, dispatch_uid="catalog-version-area")
    post_save.connect(_system_saved, sender=SharedSystem, dispatch_uid="catalog-system-saved")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="catalog-version-owner")
    post_delete.connect(_changed, sender=SharedSystem, dispatch_uid="catalog-version-system")
    m2m_changed.connect(_areas_changed, sender=SharedSystem.business_areas.through, dispatch_uid="catalog-areas")
