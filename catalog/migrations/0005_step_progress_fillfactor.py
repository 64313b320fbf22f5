"""Room on each page of catalog_stepprogress, so a monthly import's UPDATE of a row's state can stay on its page
(a HOT update: no new entries in the table's five indexes). PostgreSQL only; takes effect as pages are rewritten."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_stepprogress SET (fillfactor = 70)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_stepprogress RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_adoption_count_and_version")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
