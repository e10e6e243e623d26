"""The data version that never-stale cached reads are keyed by (recommendations/caching/):
its table and the triggers that move it on every write to a table a public read shows."""

from django.db import migrations

from recommendations.caching.triggers import triggers_create, version_table_drop


def create(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        triggers_create(schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        version_table_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0026_search_word_starts")]

    operations = [migrations.RunPython(create, drop)]
