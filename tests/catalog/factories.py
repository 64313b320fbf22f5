"""Small builders of catalog rows for tests (the real published figures are already loaded)."""

from __future__ import annotations

import itertools
from typing import Any

from catalog.models import Adoption, BusinessArea, Offering, OfferingStatus, Pattern, SharedSystem
from catalog.services import system_search_key
from portal.models import Organization, OrganizationKind

_counter = itertools.count(1)


def make_system(
    *, name: str | None = None, kana: str = "", pattern: str = Pattern.B, areas: tuple[str, ...] = (), **fields: Any
) -> SharedSystem:
    n = next(_counter)
    name = name or f"テストシステム{n}"
    kana = kana or "テストシステム"
    slug = fields.pop("slug", f"test-system-{n}")
    system = SharedSystem.objects.create(
        slug=slug,
        name=name,
        name_kana=kana,
        search_key=system_search_key(name=name, name_kana=kana, slug=slug),
        pattern=pattern,
        **fields,
    )
    if areas:
        system.business_areas.set(BusinessArea.objects.filter(slug__in=areas))
    return system


def make_vendor(slug: str = "") -> Organization:
    n = next(_counter)
    return Organization.objects.create(
        slug=slug or f"test-vendor-{n}", kind=OrganizationKind.VENDOR, name=f"テスト事業者{n}株式会社"
    )


def make_offering(
    system: SharedSystem, vendor: Organization | None = None, status: str = OfferingStatus.PUBLISHED, **fields: Any
) -> Offering:
    n = next(_counter)
    return Offering.objects.create(
        system=system,
        vendor=vendor or Organization.objects.get(slug="demo-vendor"),
        slug=fields.pop("slug", f"test-offering-{n}"),
        product_name=fields.pop("product_name", f"テスト製品{n}"),
        status=status,
        **fields,
    )


def adopt(org: Organization | str, system: SharedSystem, status: str = "in_use", **fields: Any) -> Adoption:
    if isinstance(org, str):
        org = Organization.objects.get(code=org)
    return Adoption.objects.create(organization=org, system=system, status=status, **fields)


def municipalities(*, prefecture_code: str = "", band: str = "", limit: int = 1000) -> list[Organization]:
    qs = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("code")
    if prefecture_code:
        qs = qs.filter(prefecture_code=prefecture_code)
    if band:
        qs = qs.filter(population_band=band)
    return list(qs[:limit])
