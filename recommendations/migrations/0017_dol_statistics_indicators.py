"""DOL's data file states percentages (working children, school attendance, completion rate):
a unit of their own, and the statistics indicators of the vocabulary as rows."""

from django.db import migrations, models


def sync(apps, schema_editor):
    from recommendations.indicators.services import indicators_sync

    indicators_sync(indicator_model=apps.get_model("recommendations", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0016_import_jobs")]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.CharField(
                choices=[("count", "Count"), ("money", "Money"), ("yes_no", "Yes or no"), ("percent", "Percentage")],
                max_length=10,
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
