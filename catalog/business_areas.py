"""The business areas (業務分野): the 20 standardized businesses from fixtures, and the other areas of DESIGN.md.

`load_business_areas` is idempotent: run twice, the same rows. The standardized businesses keep the slugs of
standardized_businesses.csv, which the API and dashboards use.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.models import Organization, OrganizationKind

from .models import BusinessArea

STANDARDIZED_CSV = Path(settings.BASE_DIR) / "fixtures" / "standardized_businesses.csv"

# Other areas (not among the 20): (slug, code, name, English name).
OTHER_AREAS = [
    ("counter", "X01", "窓口", "Service counters"),
    ("disaster_prevention", "X02", "防災", "Disaster prevention"),
    ("education", "X03", "教育", "Education"),
    ("elderly_care", "X04", "介護", "Elderly care"),
    ("public_transport", "X05", "公共交通", "Public transport"),
    ("child_welfare_consultation", "X06", "子育て・福祉相談", "Child-rearing and welfare consultation"),
    ("library", "X07", "図書館", "Libraries"),
    ("facility_booking", "X08", "施設予約", "Facility booking"),
    ("e_application", "X09", "電子申請・納付", "Online applications and payments"),
    ("e_bidding", "X10", "電子入札・電子調達", "Electronic bidding and procurement"),
    ("citizen_portal", "X11", "市民ポータル", "Citizen portal"),
    ("data_platform", "X12", "データ連携基盤", "Data linkage platform"),
    ("vaccination", "X13", "予防接種", "Vaccination"),
    ("internal_affairs", "X14", "内部事務（財務会計・人事給与・文書管理）", "Internal administration"),
]


def _ministries() -> dict[str, Organization]:
    return {o.name: o for o in Organization.objects.filter(kind=OrganizationKind.NATIONAL)}


@transaction.atomic
def load_business_areas(path: Path = STANDARDIZED_CSV) -> int:
    """Create or update every business area; returns how many there are. Atomic and idempotent."""
    ministries = _ministries()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        BusinessArea.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "code": row["code"],
                "name": row["name_ja"],
                "name_en": row["name_en"],
                "is_standardized": True,
                "category": row["category"],
                "ministry": ministries.get(row["ministry_primary_ja"]),
                "aliases": row["aliases_ja"],
                "order": int(row["no"]),
            },
        )
    for index, (slug, code, name, name_en) in enumerate(OTHER_AREAS, start=1):
        BusinessArea.objects.update_or_create(
            slug=slug,
            defaults={
                "code": code,
                "name": name,
                "name_en": name_en,
                "is_standardized": False,
                "category": "other",
                "order": 100 + index,
            },
        )
    return len(rows) + len(OTHER_AREAS)


def standardized_businesses() -> list[BusinessArea]:
    """The 20 standardized businesses in statutory order."""
    return list(BusinessArea.objects.filter(is_standardized=True).order_by("order"))
