"""A trigram index on the folded search key, so substring search stays fast at 10,000 systems (PostgreSQL only)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; fine at the sizes it serves
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_sharedsystem_search_trgm "
        "ON catalog_sharedsystem USING gin (search_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_sharedsystem_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_migration_status")]

    operations = [migrations.RunPython(create_index, drop_index)]
