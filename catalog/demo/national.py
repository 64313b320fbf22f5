"""The national-scale catalog (seed_demo --scale national): 10,000 systems, 200,000 adoptions and the step
rows of every municipality (≈ 1.4 million), written with COPY. Deterministic from `portal.national.SEED`.

System names are invented (brand × business area × kind × edition) and plausible; organizations are the real
local governments. Generated systems have slugs starting `nat-` and `is_demo=True`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from portal.models import Organization, OrganizationKind
from portal.national import SEED, at, copy_rows, delete_where, require_postgresql, reserve_ids, sizes

from ..freshness import adoptions_recount
from ..models import (
    Adoption,
    AdoptionStatus,
    BusinessArea,
    GovCloud,
    Lifecycle,
    Pattern,
    PublishedRate,
    SharedSystem,
    StepDefinition,
    StepProgress,
)
from ..services import system_search_key
from ..steps import load_step_definitions
from . import step_states

PREFIX = "nat-"
WRITTEN_AT = at(dt.date(2026, 10, 1))

BRANDS = [
    ("あおぞら", "アオゾラ", "aozora"),
    ("みらい", "ミライ", "mirai"),
    ("さくら", "サクラ", "sakura"),
    ("ひかり", "ヒカリ", "hikari"),
    ("つばさ", "ツバサ", "tsubasa"),
    ("わかば", "ワカバ", "wakaba"),
    ("こころ", "ココロ", "kokoro"),
    ("はやて", "ハヤテ", "hayate"),
    ("いろは", "イロハ", "iroha"),
    ("かなえ", "カナエ", "kanae"),
    ("しずく", "シズク", "shizuku"),
    ("やまびこ", "ヤマビコ", "yamabiko"),
    ("あさひ", "アサヒ", "asahi"),
    ("すばる", "スバル", "subaru"),
    ("なぎさ", "ナギサ", "nagisa"),
    ("ときわ", "トキワ", "tokiwa"),
]
KINDS = [
    ("クラウド", "クラウド", "cloud"),
    ("システム", "システム", "system"),
    ("サービス", "サービス", "service"),
    ("基盤", "キバン", "kiban"),
    ("ポータル", "ポータル", "portal"),
]
EDITIONS = [
    ("", "", "std"),
    ("ライト", "ライト", "lite"),
    ("プロ", "プロ", "pro"),
    ("町村版", "チョウソンバン", "town"),
]
STATUSES = [AdoptionStatus.IN_USE, AdoptionStatus.PROCURING, AdoptionStatus.CONSIDERING, AdoptionStatus.RETIRED]
STATUS_WEIGHTS = [75, 8, 10, 7]


def _systems(rng: random.Random, count: int, areas: list[BusinessArea], owners: list[int]) -> list[tuple[int, int]]:
    """Write `count` systems and their business areas; returns (system id, business area id)."""
    combos = [(b, a, k, e) for b in BRANDS for a in areas for k in KINDS for e in EDITIONS]
    chosen = rng.sample(combos, min(count, len(combos)))
    ids = reserve_ids(SharedSystem, len(chosen))
    rows, links = [], []
    for pk, (brand, area, kind, edition) in zip(ids, chosen, strict=True):
        name = f"{brand[0]}{area.name}{kind[0]}{edition[0]}"
        kana = f"{brand[1]}{AREA_KANA.get(area.slug, area.name)}{kind[1]}{edition[1]}"
        slug = f"{PREFIX}{brand[2]}-{area.slug.replace('_', '-')}-{kind[2]}-{edition[2]}"
        if area.is_standardized:
            pattern = Pattern.STANDARDIZED if rng.random() < 0.8 else Pattern.INDIVIDUAL
        else:
            pattern = rng.choices([Pattern.A, Pattern.B, Pattern.INDIVIDUAL], [1, 6, 3])[0]
        lifecycle = rng.choices([Lifecycle.AVAILABLE, Lifecycle.PLANNED, Lifecycle.RETIRING], [85, 10, 5])[0]
        cloud = rng.choices([GovCloud.YES, GovCloud.PARTLY, GovCloud.NO], [6, 2, 2])[0]
        spec = f"{area.name}システム標準仕様書" if pattern == Pattern.STANDARDIZED else ""
        rows.append(
            (
                pk,
                slug,
                name,
                kana,
                system_search_key(name=name, name_kana=kana, slug=slug),
                pattern,
                rng.choice(owners) if pattern == Pattern.A else None,
                f"{area.name}の事務を支援する{kind[0]}です。{brand[0]}シリーズの{edition[0] or '標準'}版。",
                spec,
                "第2.0版" if spec else "",
                cloud,
                lifecycle,
                True,
                WRITTEN_AT,
                WRITTEN_AT,
            )
        )
        links.append((pk, area.pk))
    copy_rows(
        SharedSystem,
        [
            "id",
            "slug",
            "name",
            "name_kana",
            "search_key",
            "pattern",
            "owner_id",
            "description",
            "spec_name",
            "spec_version",
            "gov_cloud",
            "lifecycle",
            "is_demo",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    copy_rows(SharedSystem.business_areas.through, ["sharedsystem_id", "businessarea_id"], links)
    return links


def _adoptions(rng: random.Random, systems: list[int], target: int, organizations: list[int]) -> int:
    """`target` adoptions over the systems, a few popular and most adopted by a handful of organizations."""
    if not systems or target <= 0:
        return 0
    weights = [rng.random() ** 3 + 0.05 for _ in systems]
    total = sum(weights)
    counts = [min(len(organizations), int(target * w / total)) for w in weights]
    index = 0
    while sum(counts) < target:  # the rounding left-over, one at a time over the systems
        if counts[index % len(counts)] < len(organizations):
            counts[index % len(counts)] += 1
        index += 1
    rows = []
    for system, count in zip(systems, counts, strict=True):
        for organization in rng.sample(organizations, count):
            status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
            since = dt.date(2019, 4, 1) + dt.timedelta(days=rng.randrange(2700)) if status == "in_use" else None
            rows.append((organization, system, None, status, since, "", True, WRITTEN_AT))
    return copy_rows(
        Adoption,
        ["organization_id", "system_id", "offering_id", "status", "since", "note", "is_demo", "updated_at"],
        rows,
    )


def national_step_rows(*, municipality_ids: list[int], steps: list[StepDefinition], rng: random.Random) -> int:
    """The demo step rows of these municipalities (the rule of `step_states`), written with COPY."""
    if not municipality_ids:
        return 0
    delete_where(StepProgress, "is_demo AND municipality_id = ANY(%s)", [municipality_ids])
    rates = list(  # read before the COPY starts: the connection does nothing else while it runs
        PublishedRate.objects.filter(municipality_id__in=municipality_ids, business__isnull=False)
        .order_by("municipality_id", "business_id")
        .values_list("municipality_id", "business_id", "rate")
    )
    month = PublishedRate.objects.values_list("snapshot__as_of", flat=True).order_by("-snapshot__as_of").first()

    def rows() -> Any:
        for org_id, business_id, rate in rates:
            for step, state in zip(steps, step_states(rate, len(steps), rng), strict=True):
                yield (org_id, business_id, step.pk, state, month, True, WRITTEN_AT)

    return copy_rows(
        StepProgress,
        ["municipality_id", "business_id", "step_id", "state", "reported_month", "is_demo", "updated_at"],
        rows(),
    )


def remove() -> None:
    """Remove what a previous national run generated (children first, set-wise)."""
    generated = f"system_id IN (SELECT id FROM {SharedSystem._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
    delete_where(Adoption, generated, [PREFIX + "%"])
    through = SharedSystem.business_areas.through
    delete_where(through, generated.replace("system_id", "sharedsystem_id"), [PREFIX + "%"])
    delete_where(SharedSystem, "slug LIKE %s", [PREFIX + "%"])


def seed_national(*, factor: float = 1.0, stdout: Any = None) -> dict[str, int]:
    """The national catalog at `factor` (1 = national). Expects the business areas and the published
    figures loaded (catalog's demo seed does that first)."""
    require_postgresql()
    size = sizes(factor)
    rng = random.Random(f"{SEED}-catalog")  # noqa: S311 - reproducible demo data, not security
    municipalities = list(
        Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("code").values_list("pk", flat=True)
    )
    stride = max(1, len(municipalities) // size.municipalities)
    chosen = municipalities[::stride][: size.municipalities]
    local = list(
        Organization.objects.filter(kind__in=[OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    owners = list(
        Organization.objects.filter(kind=OrganizationKind.NATIONAL).order_by("slug").values_list("pk", flat=True)
    )
    areas = list(BusinessArea.objects.order_by("order", "code"))
    version = load_step_definitions()
    steps = list(StepDefinition.objects.filter(version=version).order_by("number"))
    with transaction.atomic():
        remove()
        links = _systems(rng, max(0, size.systems - SharedSystem.objects.count()), areas, owners)
        adoptions = _adoptions(rng, [pk for pk, _a in links], size.adoptions - Adoption.objects.count(), local)
        step_count = national_step_rows(municipality_ids=chosen, steps=steps, rng=rng)
        adoptions_recount()  # COPY skips the signals that keep the counts and the catalog version
    if stdout is not None:
        stdout.write(
            f"  全国規模: システム {len(links):,}件、導入状況 {adoptions:,}件、作業手順の進捗 {step_count:,}件"
            f"（{len(chosen):,}団体）"
        )
    return {"systems": len(links), "adoptions": adoptions, "steps": step_count}


# Readings of the business area names, for the generated systems' kana (search by reading).
AREA_KANA = {
    "child_allowance": "ジドウテアテ",
    "child_childcare_support": "コドモコソダテシエン",
    "resident_registry": "ジュウミンキホンダイチョウ",
    "family_register_supplement": "コセキノフヒョウ",
    "seal_registration": "インカントウロク",
    "electoral_register": "センキョニンメイボカンリ",
    "fixed_asset_tax": "コテイシサンゼイ",
    "individual_inhabitant_tax": "コジンジュウミンゼイ",
    "corporate_inhabitant_tax": "ホウジンジュウミンゼイ",
    "light_vehicle_tax": "ケイジドウシャゼイ",
    "family_register": "コセキ",
    "school_enrollment": "シュウガク",
    "health_management": "ケンコウカンリ",
    "child_rearing_allowance": "ジドウフヨウテアテ",
    "public_assistance": "セイカツホゴ",
    "disability_welfare": "ショウガイシャフクシ",
    "long_term_care_insurance": "カイゴホケン",
    "national_health_insurance": "コクミンケンコウホケン",
    "late_elderly_medical_care": "コウキコウレイシャイリョウ",
    "national_pension": "コクミンネンキン",
    "counter": "マドグチ",
    "disaster_prevention": "ボウサイ",
    "education": "キョウイク",
    "elderly_care": "カイゴ",
    "public_transport": "コウキョウコウツウ",
    "child_welfare_consultation": "コソダテフクシソウダン",
    "library": "トショカン",
    "facility_booking": "シセツヨヤク",
    "e_application": "デンシシンセイノウフ",
    "e_bidding": "デンシニュウサツデンシチョウタツ",
    "citizen_portal": "シミンポータル",
    "data_platform": "データレンケイキバン",
    "vaccination": "ヨボウセッシュ",
    "internal_affairs": "ナイブジム",
}
