"""Each system's stored count of organizations using it (the catalog's default sort), and the catalog version
token search results are cached under. Existing systems are counted here once; catalog/freshness.py keeps it."""

import uuid

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_adoptions(apps, schema_editor):
    adoption = apps.get_model("catalog", "Adoption")
    system = apps.get_model("catalog", "SharedSystem")
    in_use = (
        adoption.objects.filter(system=OuterRef("pk"), status="in_use")
        .order_by()
        .values("system")
        .annotate(n=Count("pk"))
        .values("n")
    )
    system.objects.update(adoption_count=Coalesce(Subquery(in_use, output_field=IntegerField()), Value(0)))
    apps.get_model("catalog", "CatalogVersion").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_trigram_index")]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.AddField(
            model_name="sharedsystem",
            name="adoption_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="利用団体数"),
        ),
        migrations.AddIndex(
            model_name="sharedsystem",
            index=models.Index(fields=["-adoption_count", "name_kana", "slug"], name="catalog_system_by_adoption"),
        ),
        migrations.RunPython(count_adoptions, migrations.RunPython.noop),
    ]
