"""The initial system categories (API.md): data, so more can be added later."""

from django.db import migrations

CATEGORIES = [
    ("e_bidding", "電子入札・電子調達", "E-bidding and e-procurement", "services", 10),
    ("e_application", "電子申請・納付", "Online applications and payments", "services", 20),
    ("facility_booking", "施設予約", "Facility booking", "services", 30),
    ("giga_devices", "GIGA端末", "GIGA school devices", "goods", 40),
    ("school_affairs", "校務支援", "School administration support", "services", 50),
    ("other", "その他", "Other", "services", 90),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("procurement", "ProcurementCategory")
    for slug, name, name_en, ocds, order in CATEGORIES:
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "ocds_main_category": ocds, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
