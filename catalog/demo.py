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

from .business_areas import load_business_areas, standardized_businesses
from .models import (
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
from .published import load_published_figures
from .services import system_search_key
from .steps import load_step_definitions

SEED = 2026
DEMO_PREFECTURES = ["200000", "310000"]  # 長野県, 鳥取県
MADOGUCHI = "madoguchi-dx-saas"
BATCH = 5000

VENDORS = [
    # slug, name, kana
    ("demo-madoguchi", "デモ窓口ソリューションズ株式会社", "デモマドグチソリューションズカブシキガイシャ"),
    ("demo-gyosei-saas", "デモ行政SaaS株式会社", "デモギョウセイサースカブシキガイシャ"),
    ("demo-cloud-works", "デモクラウドワークス株式会社", "デモクラウドワークスカブシキガイシャ"),
]

# slug, name, kana, pattern, areas, owner slug, gov_cloud, spec name, spec version, description
SYSTEMS: list[tuple[str, str, str, str, list[str], str, str, str, str, str]] = [
    (
        "vrs",
        "ワクチン接種記録システム（VRS）",
        "ワクチンセッシュキロクシステム",
        Pattern.A,
        ["vaccination", "health_management"],
        "digital-agency",
        GovCloud.YES,
        "",
        "",
        "国が開発・運用し、市区町村が接種記録を登録・照会するシステム。団体は利用するだけで、調達は不要です。",
    ),
    (
        "pittari-service",
        "マイナポータル ぴったりサービス（電子申請）",
        "マイナポータル ピッタリサービス デンシシンセイ",
        Pattern.A,
        ["e_application", "child_allowance"],
        "digital-agency",
        GovCloud.YES,
        "",
        "",
        "国が提供するオンライン申請の受付サービス。子育て・介護などの手続を住民がスマートフォンから申請できます。",
    ),
    (
        "egov-local",
        "e-Gov 地方公共団体向け電子申請連携",
        "イーガブ チホウコウキョウダンタイムケ デンシシンセイレンケイ",
        Pattern.A,
        ["e_application"],
        "digital-agency",
        GovCloud.YES,
        "",
        "",
        "e-Gov の申請データを地方公共団体の業務システムへ連携する国の仕組み。",
    ),
    (
        MADOGUCHI,
        "窓口DX SaaS",
        "マドグチディーエックスサース",
        Pattern.B,
        ["counter", "resident_registry"],
        "",
        GovCloud.YES,
        "窓口DXSaaS 標準仕様",
        "1.0",
        "「書かないワンストップ窓口」を実現するSaaS。基本契約と標準仕様に沿って事業者が提供し、団体は利用契約を結びます。",
    ),
    (
        "e-application-saas",
        "電子申請SaaS",
        "デンシシンセイサース",
        Pattern.B,
        ["e_application"],
        "",
        GovCloud.PARTLY,
        "",
        "",
        "各種申請・届出を住民がオンラインで行えるSaaS。",
    ),
    (
        "facility-booking-saas",
        "公共施設予約SaaS",
        "コウキョウシセツヨヤクサース",
        Pattern.B,
        ["facility_booking"],
        "",
        GovCloud.NO,
        "",
        "",
        "体育館・公民館などの予約と使用料の納付をオンラインで行うSaaS。",
    ),
    (
        "library-saas",
        "図書館システムSaaS",
        "トショカンシステムサース",
        Pattern.B,
        ["library"],
        "",
        GovCloud.PARTLY,
        "",
        "",
        "蔵書管理・貸出・予約をクラウドで提供するSaaS。",
    ),
    (
        "e-bidding-saas",
        "電子入札SaaS",
        "デンシニュウサツサース",
        Pattern.B,
        ["e_bidding"],
        "",
        GovCloud.NO,
        "",
        "",
        "入札公告から開札までを電子化するSaaS。都道府県の共同調達で導入される例が多い分野です。",
    ),
    (
        "legacy-resident-system",
        "住民情報システム（独自開発・旧基幹系）",
        "ジュウミンジョウホウシステム ドクジカイハツ",
        Pattern.INDIVIDUAL,
        ["resident_registry"],
        "",
        GovCloud.NO,
        "",
        "",
        "団体が独自に開発・運用してきた旧来の基幹系システム。標準準拠システムへの移行対象です。",
    ),
    (
        "disaster-info-system",
        "防災情報システム（独自構築）",
        "ボウサイジョウホウシステム",
        Pattern.INDIVIDUAL,
        ["disaster_prevention"],
        "",
        GovCloud.NO,
        "",
        "",
        "避難所・被害情報を管理する団体独自のシステム。",
    ),
    (
        "demand-transport-system",
        "デマンド交通予約システム（個別開発）",
        "デマンドコウツウヨヤクシステム",
        Pattern.INDIVIDUAL,
        ["public_transport"],
        "",
        GovCloud.NO,
        "",
        "",
        "地域のデマンド交通（予約型乗合交通）の予約・配車を行う個別開発システム。",
    ),
]

# system slug, offering slug, vendor slug, product, price model, min, max, on gov cloud
OFFERINGS = [
    (
        MADOGUCHI,
        "demo-madoguchi-cloud",
        "demo-madoguchi",
        "デモ窓口クラウド",
        "人口規模別の月額",
        1_200_000,
        4_800_000,
        True,
    ),
    (MADOGUCHI, "demo-kakanai-madoguchi", DEMO_VENDOR_SLUG, "書かない窓口デモ", "年額固定", 800_000, 2_400_000, True),
    (
        MADOGUCHI,
        "demo-onestop-desk",
        "demo-gyosei-saas",
        "ワンストップデスク（デモ）",
        "職員ID数×月額",
        2_000_000,
        9_000_000,
        True,
    ),
    (MADOGUCHI, "demo-madoguchi-lite", "demo-cloud-works", "窓口ライト（デモ）", "年額固定", 600_000, 1_500_000, False),
    (
        "e-application-saas",
        "demo-shinsei-cloud",
        "demo-gyosei-saas",
        "申請クラウド（デモ）",
        "手続数に応じた年額",
        500_000,
        3_000_000,
        True,
    ),
    (
        "facility-booking-saas",
        "demo-yoyaku-plus",
        DEMO_VENDOR_SLUG,
        "施設予約プラス（デモ）",
        "施設数×月額",
        300_000,
        1_200_000,
        False,
    ),
    (
        "library-saas",
        "demo-library-cloud",
        "demo-cloud-works",
        "ライブラリクラウド（デモ）",
        "蔵書数に応じた年額",
        1_500_000,
        6_000_000,
        True,
    ),
    (
        "e-bidding-saas",
        "demo-nyusatsu",
        "demo-madoguchi",
        "電子入札サービス（デモ）",
        "共同利用の年額",
        3_000_000,
        25_000_000,
        False,
    ),
]
# A proposal awaiting review, to show the official's queue.
PROPOSED = (
    MADOGUCHI,
    "demo-madoguchi-next",
    DEMO_VENDOR_SLUG,
    "次世代窓口（デモ・審査待ち）",
    "月額",
    900_000,
    3_000_000,
    True,
)


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
    Adoption.objects.filter(is_demo=True).delete()
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
    return len(rows)


def _done_count(rate: Decimal, steps: int) -> int:
    return int((rate * steps).to_integral_value(rounding=ROUND_HALF_UP))


def step_rows(*, municipality_ids: list[int], steps: list[StepDefinition], rng: random.Random) -> int:
    """Demo step rows that agree with the published rates: rate r over N steps → round(r·N) done or n/a."""
    StepProgress.objects.filter(is_demo=True, municipality_id__in=municipality_ids).delete()
    rates = PublishedRate.objects.filter(municipality_id__in=municipality_ids, business__isnull=False).values_list(
        "municipality_id", "business_id", "rate"
    )
    month = PublishedRate.objects.values_list("snapshot__as_of", flat=True).order_by("-snapshot__as_of").first()
    batch: list[StepProgress] = []
    written = 0
    for org_id, business_id, rate in rates.iterator(chunk_size=BATCH):
        finished = _done_count(rate, len(steps))
        for index, step in enumerate(steps):
            if index < finished:
                state = StepState.NOT_APPLICABLE if rng.random() < 0.05 else StepState.DONE
            elif index == finished:
                state = StepState.IN_PROGRESS
            else:
                state = StepState.NOT_STARTED
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
    version = load_step_definitions()
    steps = list(StepDefinition.objects.filter(version=version).order_by("number"))
    municipalities = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY)
    if scale != "national":
        municipalities = municipalities.filter(prefecture__code__in=DEMO_PREFECTURES)
    ids = list(municipalities.values_list("pk", flat=True))
    with transaction.atomic():
        written = step_rows(municipality_ids=ids, steps=steps, rng=rng)
    stdout.write(f"  作業手順の進捗（デモ）{written:,}件（{len(ids)}団体）、{time.monotonic() - started:.1f}秒")
