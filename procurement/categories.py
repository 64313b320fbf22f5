"""The initial system categories (API.md). Categories are data: more can be added in the admin."""

from __future__ import annotations

from .models import ProcurementCategory

# slug, name, English name, OCDS main procurement category, order (the 0002 migration keeps its own copy)
DEFAULT_CATEGORIES = [
    ("e_bidding", "電子入札・電子調達", "E-bidding and e-procurement", "services", 10),
    ("e_application", "電子申請・納付", "Online applications and payments", "services", 20),
    ("facility_booking", "施設予約", "Facility booking", "services", 30),
    ("giga_devices", "GIGA端末", "GIGA school devices", "goods", 40),
    ("school_affairs", "校務支援", "School administration support", "services", 50),
    ("other", "その他", "Other", "services", 90),
]


def ensure_default_categories() -> None:
    """Create the initial categories where missing (a flushed test database, a fresh install); never overwrites."""
    for slug, name, name_en, ocds, order in DEFAULT_CATEGORIES:
        ProcurementCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "ocds_main_category": ocds, "order": order}
        )
