"""Measures (issue 21): a government's action answering several recommendations, with its own
progress log and evidence in the same tables as a recommendation's.

The progress log stays append-only. On PostgreSQL its guard compares whole rows, so the new
columns are guarded as they come. On SQLite the guard names its columns, and making
`recommendation` nullable rebuilds the table (SQLite cannot alter a column), which drops the
guard: it is created again here, with the new columns.
"""

import django.db.models.deletion
import django.utils.timezone
import django_countries.fields
from django.conf import settings
from django.db import migrations, models


PROGRESS_TABLE = "recommendations_progressupdate"
PROGRESS_COLUMNS = (
    "id",
    "recommendation_id",
    "measure_id",
    "measure_update_id",
    "status_before",
    "status_after",
    "note",
    "occurred_on",
    "author_username",
    "created_at",
)


def sqlite_guard_create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in PROGRESS_COLUMNS)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {PROGRESS_TABLE}_append_only")
    schema_editor.execute(
        f"CREATE TRIGGER {PROGRESS_TABLE}_append_only BEFORE UPDATE ON {PROGRESS_TABLE} "
        f"WHEN NOT ({unchanged} AND NEW.author_id IS NULL) "
        f"BEGIN SELECT RAISE(ABORT, 'rows of {PROGRESS_TABLE} are append-only'); END"
    )


def sqlite_guard_restore(apps, schema_editor):
    """Back to the columns migration 0002 guarded (the rebuild dropped that guard too)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    columns = [column for column in PROGRESS_COLUMNS if column not in ("measure_id", "measure_update_id")]
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {PROGRESS_TABLE}_append_only")
    schema_editor.execute(
        f"CREATE TRIGGER {PROGRESS_TABLE}_append_only BEFORE UPDATE ON {PROGRESS_TABLE} "
        f"WHEN NOT ({unchanged} AND NEW.author_id IS NULL) "
        f"BEGIN SELECT RAISE(ABORT, 'rows of {PROGRESS_TABLE} are append-only'); END"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0020_upr_tags_and_number'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undone last, after the operations that rebuild the table on SQLite.
        migrations.RunPython(migrations.RunPython.noop, sqlite_guard_restore),
        migrations.CreateModel(
            name='MeasureLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='linked at')),
            ],
            options={
                'verbose_name': 'link of a measure to a recommendation',
                'verbose_name_plural': 'links of measures to recommendations',
                'ordering': ['measure', 'recommendation'],
            },
        ),
        migrations.AddField(
            model_name='progressupdate',
            name='measure_update',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='recommendation_updates', to='recommendations.progressupdate', verbose_name="recorded with the measure's entry"),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='recommendation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='recommendations.recommendation', verbose_name='recommendation'),
        ),
        migrations.AlterField(
            model_name='progressupdate',
            name='recommendation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='progress_updates', to='recommendations.recommendation', verbose_name='recommendation'),
        ),
        migrations.CreateModel(
            name='Measure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', django_countries.fields.CountryField(max_length=2, verbose_name='country')),
                ('kind', models.CharField(choices=[('law', 'Law or regulation'), ('action_plan', 'National action plan or strategy'), ('budget', 'Budget line'), ('institution', 'Institution or service'), ('programme', 'Programme or project'), ('other', 'Other measure')], max_length=20, verbose_name='kind of measure')),
                ('title_az', models.CharField(blank=True, max_length=300, verbose_name='title in Azerbaijani')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title in English')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('start_on', models.DateField(blank=True, null=True, verbose_name='starts on')),
                ('end_on', models.DateField(blank=True, null=True, verbose_name='ends on')),
                ('status', models.CharField(choices=[('not_assessed', 'Not assessed'), ('not_started', 'Not started'), ('in_progress', 'In progress'), ('partially_implemented', 'Partially implemented'), ('implemented', 'Implemented')], default='not_assessed', max_length=30, verbose_name='status')),
                ('status_changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='status changed at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('responsible_bodies', models.ManyToManyField(blank=True, related_name='measures', to='recommendations.responsiblebody', verbose_name='responsible bodies')),
            ],
            options={
                'verbose_name': 'measure',
                'verbose_name_plural': 'measures',
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='evidence',
            name='measure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='recommendations.measure', verbose_name='measure'),
        ),
        migrations.AddField(
            model_name='progressupdate',
            name='measure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='progress_updates', to='recommendations.measure', verbose_name='measure'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('measure__isnull', True), ('recommendation__isnull', False)), models.Q(('measure__isnull', False), ('recommendation__isnull', True)), _connector='OR'), name='evidence_of_one_subject'),
        ),
        migrations.AddConstraint(
            model_name='progressupdate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('measure__isnull', True), ('recommendation__isnull', False)), models.Q(('measure__isnull', False), ('recommendation__isnull', True)), _connector='OR'), name='progress_about_one_subject'),
        ),
        migrations.AddConstraint(
            model_name='progressupdate',
            constraint=models.CheckConstraint(condition=models.Q(('measure_update__isnull', True), ('recommendation__isnull', False), _connector='OR'), name='progress_measure_update_of_recommendation'),
        ),
        migrations.AddField(
            model_name='measurelink',
            name='measure',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='recommendations.measure', verbose_name='measure'),
        ),
        migrations.AddField(
            model_name='measurelink',
            name='recommendation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measure_links', to='recommendations.recommendation', verbose_name='recommendation'),
        ),
        migrations.AddField(
            model_name='measure',
            name='recommendations',
            field=models.ManyToManyField(blank=True, related_name='measures', through='recommendations.MeasureLink', to='recommendations.recommendation', verbose_name='recommendations it answers'),
        ),
        migrations.AddConstraint(
            model_name='measurelink',
            constraint=models.UniqueConstraint(fields=('measure', 'recommendation'), name='measure_link_unique'),
        ),
        migrations.AddIndex(
            model_name='measure',
            index=models.Index(fields=['country', 'status'], name='measure_country_status'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(condition=models.Q(('start_on__isnull', True), ('end_on__isnull', True), ('start_on__lte', models.F('end_on')), _connector='OR'), name='measure_starts_before_it_ends', violation_error_message='A measure cannot end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(condition=models.Q(('title_az', ''), ('title_en', ''), _negated=True), name='measure_has_a_title'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_assessed', 'not_started', 'in_progress', 'partially_implemented', 'implemented'])), name='measure_status_known'),
        ),
            # Last, after the operations that rebuild the table on SQLite; undone first.
        migrations.RunPython(sqlite_guard_create, migrations.RunPython.noop),
    ]
