"""Review before publication (issue 21 §2): a progress entry's review state, the permission
to review, and the log's append-only guard widened by exactly one move.

The guard still refuses any change to what an entry says. Besides clearing the author (a user
deleted), it now lets `review_state` leave `proposed` — once, for published, returned or
rejected, with nothing else changed: the reviewer's decision. Who decided and why is a history
row (reviews/services.py). On SQLite adding the column rebuilds the table, which drops the
guard: it is created again, naming the new column.
"""

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
DECISIONS = "('published', 'returned', 'rejected')"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tracker_progress_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'author_id') = (to_jsonb(OLD) - 'author_id')
       AND NEW.author_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'review_state') = (to_jsonb(OLD) - 'review_state')
       AND OLD.review_state = 'proposed' AND NEW.review_state IN {DECISIONS} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;
"""


def _sqlite_guard(schema_editor, columns, decision: bool) -> None:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns)
    allowed = f"({unchanged} AND NEW.author_id IS NULL" + (" AND NEW.review_state IS OLD.review_state)" if decision else ")")
    if decision:
        allowed += (
            f" OR ({unchanged} AND NEW.author_id IS OLD.author_id AND OLD.review_state = 'proposed' "
            f"AND NEW.review_state IN {DECISIONS})"
        )
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {PROGRESS_TABLE}_append_only")
    schema_editor.execute(
        f"CREATE TRIGGER {PROGRESS_TABLE}_append_only BEFORE UPDATE ON {PROGRESS_TABLE} "
        f"WHEN NOT ({allowed}) "
        f"BEGIN SELECT RAISE(ABORT, 'rows of {PROGRESS_TABLE} are append-only'); END"
    )


def guard_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {PROGRESS_TABLE}_append_only ON {PROGRESS_TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {PROGRESS_TABLE}_append_only BEFORE UPDATE OR DELETE ON {PROGRESS_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION tracker_progress_append_only()"
        )
    elif vendor == "sqlite":
        _sqlite_guard(schema_editor, PROGRESS_COLUMNS, decision=True)


def guard_restore(apps, schema_editor):
    """Back to migration 0021's guard (before the column goes)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {PROGRESS_TABLE}_append_only ON {PROGRESS_TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {PROGRESS_TABLE}_append_only BEFORE UPDATE OR DELETE ON {PROGRESS_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION tracker_append_only('author_id')"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_progress_append_only()")
    elif vendor == "sqlite":
        _sqlite_guard(schema_editor, PROGRESS_COLUMNS, decision=False)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0022_tag_suggestions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="progressupdate",
            options={
                "ordering": ["created_at", "id"],
                "permissions": [("review_progress", "Can review proposed progress")],
                "verbose_name": "progress update",
                "verbose_name_plural": "progress updates",
            },
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="review_state",
            field=models.CharField(
                choices=[
                    ("published", "Published"),
                    ("proposed", "Proposed"),
                    ("returned", "Returned"),
                    ("rejected", "Rejected"),
                ],
                db_default="published",
                default="published",
                max_length=10,
                verbose_name="review",
            ),
        ),
        migrations.RunPython(guard_create, guard_restore),
    ]
