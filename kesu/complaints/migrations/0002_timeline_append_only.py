"""On PostgreSQL, the database itself refuses to change or delete timeline rows.

SQLite keeps the application's guards only: its test runner empties tables with DELETE,
which a trigger there would refuse. PostgreSQL's uses TRUNCATE, which row triggers ignore.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kesu_timeline_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the complaint timeline is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION kesu_timeline_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent;
DROP FUNCTION IF EXISTS kesu_timeline_append_only();
"""


def _run(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: the trigger's own '%' must not be read as a query parameter.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, CREATE)


def backwards(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
