"""Role groups, append-only guards in the database, and the trigram index for search.

The guards make the progress log and the change history append-only below the ORM too:
an UPDATE is refused unless all it does is clear the user column (what deleting a user
does: the copied username stays), and on PostgreSQL a DELETE is refused as well. SQLite
keeps DELETE possible because its test-database flush deletes rows one table at a time.
"""

from django.db import migrations

ROLES = ("analyst", "ngo_staff", "admin")

APPEND_ONLY = {
    "recommendations_progressupdate": (
        "author_id",
        ["id", "recommendation_id", "status_before", "status_after", "note", "occurred_on",
         "author_username", "created_at"],
    ),
    "recommendations_changerecord": (
        "user_id",
        ["id", "object_type_id", "object_id", "object_repr", "action", "username", "changed_at",
         "before", "after", "message"],
    ),
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0])
       AND to_jsonb(NEW) ->> TG_ARGV[0] IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;
"""


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def create_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table, (user_column, _columns) in APPEND_ONLY.items():
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION tracker_append_only('{user_column}')"
            )
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX rec_action_search_trgm ON recommendations_recommendation "
            "USING gin (action_search gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        for table, (user_column, columns) in APPEND_ONLY.items():
            unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"WHEN NOT ({unchanged} AND NEW.{user_column} IS NULL) "
                f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are append-only'); END"
            )


def remove_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in APPEND_ONLY:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only" + (f" ON {table}" if vendor == "postgresql" else "")
        )
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS rec_action_search_trgm")
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_guards, remove_guards),
    ]
