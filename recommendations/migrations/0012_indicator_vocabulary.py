"""The indicators the vocabulary declares (indicators/vocabulary.py), as rows. A later change
to the vocabulary adds a migration that runs the same sync again."""

from django.db import migrations


def sync(apps, schema_editor):
    from recommendations.indicators.services import indicators_sync

    indicators_sync(indicator_model=apps.get_model("recommendations", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0011_indicators")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
