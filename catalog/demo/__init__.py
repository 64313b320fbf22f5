"""Demo data of the catalog (seed_demo): real published figures first, then demo systems, offerings, adoptions
and step rows. Deterministic (fixed seed) and re-runnable; demo rows carry `is_demo=True`."""

from __future__ import annotations

import random
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from portal.demo import DEMO_VENDOR_SLUG, ensure_demo_vendor
from portal.models import Organization, OrganizationKind
from portal.national import delete_where

from ..business_areas import load_business_areas, standardized_businesses
from ..freshness import adoptions_recount
from ..models import (
    Adoption,
    AdoptionStatus,
    BusinessArea,
    GovCloud,
    Lifecycle,
    MigrationStatus,
    MigrationStatusValue,
    Offering,
    OfferingStatus,
    Pattern,
    PublishedRate,
    SharedSystem,
    StepDefinition,
    StepProgress,
    StepState,
)
from ..published import load_published_figures
from ..services import system_search_key
from ..steps import load_step_definitions
from .data import MADOGUCHI, OFFERINGS, PROPOSED, SYSTEMS, VENDORS

SEED = 2026
DEMO_PREFECTURES = ["200000", "310000"]  # 長野県, 鳥取県
BATCH = 5000


def _vendors() -> dict[str, Organization]:
    vendors = {DEMO_VENDOR_SLUG: ensure_demo_vendor()}
    for slug, name, kana in VENDORS:
        vendors[slug], _created = Organization.objects.update_or_create(
            slug=slug,
            defaults={"kind": OrganizationKind.VENDOR, "name": name, "name_kana": kana, "is_demo": True},
        )
    return vendors


def _systems(areas: dict[str, BusinessArea]) -> dict[str, SharedSystem]:
    owners = {o.slug: o for o in Organization.objects.filter(kind=OrganizationKind.NATIONAL)}
    rows = list(SYSTEMS)
    for business in standardized_businesses():
        rows.append(
            (
                "std-" + business.slug.replace("_", "-"),
                f"{business.name}システム（標準準拠）",
                "",
                Pattern.STANDARDIZED,
                [business.slug],
                "",
                GovCloud.YES,
                f"{business.name}システム標準仕様書",
                "第2.0版",
                f"{business.name}事務の標準仕様書に準拠したシステム。団体ごとに開発・運用・保守を契約します。",
            )
        )
    systems = {}
    for slug, name, kana, pattern, area_slugs, owner, cloud, spec, version, description in rows:
        kana = kana or name
        system, _created = SharedSystem.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_kana": kana,
                "search_key": system_search_key(name=name, name_kana=kana, slug=slug),
                "pattern": pattern,
                "owner": owners.get(owner),
                "gov_cloud": cloud,
                "spec_name": spec,
                "spec_version": version,
                "description": description,
                "lifecycle": Lifecycle.AVAILABLE,
                "is_demo": True,
            },
        )
        system.business_areas.set([areas[a] for a in area_slugs if a in areas])
        systems[slug] = system
    return systems


def _offerings(systems: dict[str, SharedSystem], vendors: dict[str, Organization]) -> dict[str, Offering]:
    offerings = {}
    for index, (system, slug, vendor, product, model, low, high, cloud) in enumerate([*OFFERINGS, PROPOSED]):
        status = OfferingStatus.PROPOSED if index == len(OFFERINGS) else OfferingStatus.PUBLISHED
        offerings[slug], _created = Offering.objects.update_or_create(
            slug=slug,
            defaults={
                "system": systems[system],
                "vendor": vendors[vendor],
                "product_name": product,
                "spec_version": systems[system].spec_version,
                "price_model": model,
                "price_min": low,
                "price_max": high,
                "gov_cloud_hosted": cloud,
                "marketplace_url": "",
                "status": status,
                "is_demo": True,
            },
        )
    return offerings


def _adoptions(rng: random.Random, systems: dict[str, SharedSystem], offerings: dict[str, Offering]) -> int:
    # Set-wise: deleting through the ORM would recount a system per deleted row (catalog/freshness.py).
    delete_where(Adoption, "is_demo = %s", [True])
    municipalities = list(Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("code"))
    by_system: dict[str, list[Offering]] = {}
    for offering in offerings.values():
        if offering.status == OfferingStatus.PUBLISHED:
            by_system.setdefault(offering.system.slug, []).append(offering)
    rows: list[Adoption] = []
    shares = {"vrs": 1.0, "pittari-service": 0.8, "egov-local": 0.3, MADOGUCHI: 0.12, "legacy-resident-system": 0.05}
    for slug, system in systems.items():
        if system.pattern == Pattern.STANDARDIZED:
            continue
        share = shares.get(slug, 0.08)
        for org in municipalities:
            nagano_band = slug == MADOGUCHI and org.prefecture_code == "20" and org.population_band == "10k-30k"
            if org.code == "205419" and slug == MADOGUCHI:
                status = AdoptionStatus.CONSIDERING  # 小布施町 is choosing: private to it
            elif nagano_band and rng.random() < 0.6:
                status = AdoptionStatus.IN_USE
            elif rng.random() < share:
                status = rng.choices(
                    [AdoptionStatus.IN_USE, AdoptionStatus.PROCURING, AdoptionStatus.CONSIDERING], [8, 1, 1]
                )[0]
            else:
                continue
            choices = by_system.get(slug, [])
            rows.append(
                Adoption(
                    organization=org,
                    system=system,
                    offering=rng.choice(choices) if choices else None,
                    status=status,
                    is_demo=True,
                )
            )
    # The standard-compliant systems are in use where the published figures say the business migrated.
    std = {s.business_areas.first().pk: s for s in systems.values() if s.pattern == Pattern.STANDARDIZED}  # type: ignore[union-attr]
    for org_id, business_id in MigrationStatus.objects.filter(status=MigrationStatusValue.MIGRATED).values_list(
        "municipality_id", "business_id"
    ):
        if business_id in std:
            rows.append(
                Adoption(organization_id=org_id, system=std[business_id], status=AdoptionStatus.IN_USE, is_demo=True)
            )
    Adoption.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    adoptions_recount()  # bulk writes skip the signals that keep the counts and the catalog version
    return len(rows)


def _done_count(rate: Decimal, steps: int) -> int:
    return int((rate * steps).to_integral_value(rounding=ROUND_HALF_UP))


def step_states(rate: Decimal, count: int, rng: random.Random) -> list[str]:
    """The states of `count` steps that agree with a published rate r: round(r·N) done or n/a, then one in
    progress, the rest not started."""
    finished = _done_count(rate, count)
    states: list[str] = []
    for index in range(count):
        if index < finished:
            states.append(StepState.NOT_APPLICABLE if rng.random() < 0.05 else StepState.DONE)
        elif index == finished:
            states.append(StepState.IN_PROGRESS)
        else:
            states.append(StepState.NOT_STARTED)
    return states


def step_rows(*, municipality_ids: list[int], steps: list[StepDefinition], rng: random.Random) -> int:
    """Demo step rows that agree with the published rates (see `step_states`)."""
    StepProgress.objects.filter(is_demo=True, municipality_id__in=municipality_ids).delete()
    rates = PublishedRate.objects.filter(municipality_id__in=municipality_ids, business__isnull=False).values_list(
        "municipality_id", "business_id", "rate"
    )
    month = PublishedRate.objects.values_list("snapshot__as_of", flat=True).order_by("-snapshot__as_of").first()
    batch: list[StepProgress] = []
    written = 0
    for org_id, business_id, rate in rates.iterator(chunk_size=BATCH):
        for step, state in zip(steps, step_states(rate, len(steps), rng), strict=True):
            batch.append(
                StepProgress(
                    municipality_id=org_id,
                    business_id=business_id,
                    step=step,
                    state=state,
                    reported_month=month,
                    is_demo=True,
                )
            )
        if len(batch) >= BATCH:
            StepProgress.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
            written += len(batch)
            batch = []
    StepProgress.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
    return written + len(batch)


def seed(*, scale: str, stdout: Any) -> None:
    started = time.monotonic()
    load_business_areas()
    result = load_published_figures()
    stdout.write(f"  公表値: 完了率 {result.rates:,}件、特定移行支援システム {result.designated_systems:,}件")
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    with transaction.atomic():
        areas = {a.slug: a for a in BusinessArea.objects.all()}
        vendors = _vendors()
        systems = _systems(areas)
        offerings = _offerings(systems, vendors)
        adoptions = _adoptions(rng, systems, offerings)
    stdout.write(f"  システム {len(systems)}件、提供サービス {len(offerings)}件、導入状況 {adoptions:,}件")
    if scale == "national":
        from .national import seed_national  # it uses this module's step rule

        seed_national(stdout=stdout)
        return
    version = load_step_definitions()
    steps = list(StepDefinition.objects.filter(version=version).order_by("number"))
    ids = list(
        Organization.objects.filter(
            kind=OrganizationKind.MUNICIPALITY, prefecture__code__in=DEMO_PREFECTURES
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        written = step_rows(municipality_ids=ids, steps=steps, rng=rng)
    stdout.write(f"  作業手順の進捗（デモ）{written:,}件（{len(ids)}団体）、{time.monotonic() - started:.1f}秒")
