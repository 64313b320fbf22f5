"""The KPIs the portal starts with: publication of subsidized projects' status and effects (2022 survey).

The observations are the real national figures quoted in the portal's design (DESIGN.md, subsidies): about
20% of local governments published the implementation status of all their finished projects, 53% all or some;
32% published all effects, 39% all or some. The targets are this portal's working assumption, labelled as
such, until the owning ministry sets official ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from portal.models import Organization

from .models import Direction, Kpi
from .services import kpi_observation_record

SURVEY_DATE = dt.date(2022, 1, 1)  # the survey year; the exact survey date is not given by the source
SURVEY_SOURCE = "総務省調査（2022年）：補助事業の実施状況・効果の公表状況（本ポータル設計資料に引用の値）"
SURVEY_NOTE = "2022年調査。時点は調査年のみ判明しているため、年の初日で表しています。"
TARGET_DATE = dt.date(2028, 3, 31)  # end of 令和9年度 (FY2027)
TARGET_SOURCE = "本ポータルの仮置きの目標（政府の公式目標ではありません）：令和9年度末までに100%"

PUBLICATION_KPIS = [
    ("publication-status-all", "終了した全事業の実施状況を公表した団体の割合", Decimal("20")),
    ("publication-status-any", "終了した事業の実施状況を全部または一部公表した団体の割合", Decimal("53")),
    ("publication-effects-all", "終了した全事業の効果を公表した団体の割合", Decimal("32")),
    ("publication-effects-any", "終了した事業の効果を全部または一部公表した団体の割合", Decimal("39")),
]


@transaction.atomic
def load_publication_survey() -> list[Kpi]:
    """Create (or update) the four publication KPIs and their 2022 observations. Idempotent."""
    owner = Organization.objects.get(slug="soumu")
    kpis = []
    for order, (code, name, value) in enumerate(PUBLICATION_KPIS, start=1):
        kpi, _created = Kpi.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": "%",
                "direction": Direction.HIGHER_IS_BETTER,
                "target_value": Decimal("100"),
                "target_date": TARGET_DATE,
                "target_source": TARGET_SOURCE,
                "owner": owner,
                "source": SURVEY_SOURCE,
                "order": order,
            },
        )
        kpi_observation_record(kpi=kpi, date=SURVEY_DATE, value=value, source=SURVEY_SOURCE, note=SURVEY_NOTE)
        kpis.append(kpi)
    return kpis
