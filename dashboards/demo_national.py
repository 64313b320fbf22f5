"""National-scale KPI observations (seed_demo --scale national): ≈ 100,000 quarterly values of four generated
KPIs for every local government and the nation, written with COPY. Deterministic from `portal.national.SEED`.

The KPIs and their values are generated for the benchmark and say so in their source; their codes start with
`nat-`. The national value of a date is the mean of the local governments' values of that date.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from portal.models import Organization, OrganizationKind
from portal.national import SEED, copy_rows, require_postgresql, sizes

from .models import Direction, Kpi, KpiObservation

PREFIX = "nat-"
SOURCE = "全国規模の性能検証用に生成した値（実測値ではありません）"
TARGET_SOURCE = "生成データの仮置きの目標（政府の公式目標ではありません）"
# code, name, unit, direction, target, owner slug, (start, yearly change) of a typical local government
KPIS = [
    (
        "online-procedures",
        "オンラインで完結する行政手続の割合",
        "%",
        Direction.HIGHER_IS_BETTER,
        100,
        "digital-agency",
        (35, 9),
    ),
    (
        "standard-systems",
        "標準準拠システムへ移行した業務の割合",
        "%",
        Direction.HIGHER_IS_BETTER,
        100,
        "soumu",
        (10, 25),
    ),
    (
        "cashless-payments",
        "キャッシュレスで納付された件数の割合",
        "%",
        Direction.HIGHER_IS_BETTER,
        50,
        "soumu",
        (12, 6),
    ),
    ("counter-wait", "窓口の平均待ち時間", "分", Direction.LOWER_IS_BETTER, 10, "digital-agency", (32, -4)),
]
FIRST = dt.date(2023, 4, 1)
QUARTERS = 14  # 2023-04 … 2026-07
TARGET_DATE = dt.date(2028, 3, 31)


def _dates() -> list[dt.date]:
    return [
        dt.date(FIRST.year + (FIRST.month - 1 + 3 * q) // 12, (FIRST.month - 1 + 3 * q) % 12 + 1, 1)
        for q in range(QUARTERS)
    ]


def _kpis() -> list[Kpi]:
    owners = {o.slug: o for o in Organization.objects.filter(kind=OrganizationKind.NATIONAL)}
    kpis = []
    for order, (code, name, unit, direction, target, owner, _trend) in enumerate(KPIS, start=100):
        kpi, _created = Kpi.objects.update_or_create(
            code=PREFIX + code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "target_value": Decimal(target),
                "target_date": TARGET_DATE,
                "target_source": TARGET_SOURCE,
                "owner": owners[owner],
                "source": SOURCE,
                "order": order,
            },
        )
        kpis.append(kpi)
    return kpis


def seed_national(*, factor: float = 1.0, stdout: Any = None) -> int:
    """Generate the KPI observations at `factor` (1 = national), replacing those of a previous run."""
    require_postgresql()
    target = sizes(factor).kpi_observations
    rng = random.Random(f"{SEED}-dashboards")  # noqa: S311 - reproducible demo data, not security
    dates = _dates()
    areas = list(
        Organization.objects.filter(kind__in=[OrganizationKind.PREFECTURE, OrganizationKind.MUNICIPALITY])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    per_date = max(1, -(-target // (len(KPIS) * len(dates))) - 1)  # local governments observed (+ the nation)
    areas = areas[:: max(1, len(areas) // per_date)][:per_date]
    with transaction.atomic():
        KpiObservation.objects.filter(kpi__code__startswith=PREFIX).delete()
        kpis = _kpis()
        rows: list[tuple[Any, ...]] = []
        for kpi, (*_spec, (start, change)) in zip(kpis, KPIS, strict=True):
            bases = {area: start * rng.uniform(0.5, 1.5) for area in areas}
            speeds = {area: change * rng.uniform(0.3, 1.7) for area in areas}
            for quarter, date in enumerate(dates):
                values = {
                    area: Decimal(
                        str(round(min(100.0, max(0.0, bases[area] + speeds[area] * quarter / 4 + rng.gauss(0, 1))), 1))
                    )
                    for area in areas
                }
                national = (sum(values.values(), Decimal(0)) / len(values)).quantize(Decimal("0.0001"))
                rows.append((kpi.pk, date, national, None, "", SOURCE))
                rows += [(kpi.pk, date, value, area, "", SOURCE) for area, value in values.items()]
        rows.sort(key=lambda r: (r[1], r[0], r[3] is not None, r[3] or 0))  # trim the last date, never the first
        written = copy_rows(KpiObservation, ["kpi_id", "date", "value", "area_id", "note", "source"], rows[:target])
    if stdout is not None:
        stdout.write(
            f"  全国規模: KPIの観測値 {written:,}件（{len(kpis)}指標、{len(areas):,}団体と全国、{len(dates)}時点）"
        )
    return written
