"""every text column has a maximum length (tracker/core/lengths.py)

Revision ID: e16a7c8d9e07
Revises: b3f9d2c7e5a1
Create Date: 2026-12-04 01:30:00.000000

The unbounded TEXT columns become VARCHAR(n), the lengths of tracker/core/lengths.py, which PostgreSQL
enforces (an existing longer value stops the upgrade there: shorten it first). SQLite records the
declared type without enforcing it; the forms and imports enforce the same limits on both.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e16a7c8d9e07'
down_revision = "b3f9d2c7e5a1"
branch_labels = None
depends_on = None

# (table, column, maximum length): copied from tracker/core/lengths.py as it was at this revision.
COLUMNS = [
    ('library_reviews', 'summary', 50000),
    ('library_reviews', 'learning', 50000),
    ('library_reviews', 'recommendations', 50000),
    ('library_reviews', 'keywords', 50000),
    ('reviews', 'summary', 20000),
    ('themes', 'description', 2000),
    ('learning_points', 'text', 10000),
    ('recommendations', 'text', 20000),
    ('actions', 'description', 5000),
    ('actions', 'success_measure', 5000),
    ('actions', 'status_reason', 5000),
    ('audit_records', 'summary', 20000),
    ('board_reports', 'error', 20000),
    ('import_drafts', 'error', 20000),
    ('recommendation_responses', 'reasons', 20000),
    ('reminder_messages', 'error', 20000),
    ('source_documents', 'summary', 20000),
    ('assurance_decisions', 'reason', 5000),
    ('due_date_changes', 'reason', 5000),
    ('due_date_requests', 'reason', 5000),
    ('due_date_requests', 'decision_note', 5000),
    ('evidence', 'description', 5000),
    ('impact_reviews', 'note', 10000),
    ('progress_updates', 'narrative', 10000),
    ('status_changes', 'reason', 5000),
    ('challenge_messages', 'text', 5000),
]


def _by_table():
    tables: dict[str, list[tuple[str, int]]] = {}
    for table, column, length in COLUMNS:
        tables.setdefault(table, []).append((column, length))
    return tables.items()


#: The library's full-text index on SQLite (revision 5b1e7c2a9d01) is kept current by triggers on
#: library_reviews; SQLite's batch mode rebuilds the table, which drops them, so they are made again.
FTS_COLUMNS = "title, summary, learning, recommendations, keywords"


def _library_triggers_again():
    if op.get_bind().dialect.name != "sqlite":
        return
    new = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS library_reviews_fts_{trigger}")
    op.execute(f"CREATE TRIGGER library_reviews_fts_insert AFTER INSERT ON library_reviews BEGIN "
               f"INSERT INTO library_reviews_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER library_reviews_fts_delete AFTER DELETE ON library_reviews BEGIN "
               f"INSERT INTO library_reviews_fts(library_reviews_fts, rowid, {FTS_COLUMNS}) "
               f"VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER library_reviews_fts_update AFTER UPDATE ON library_reviews BEGIN "
               f"INSERT INTO library_reviews_fts(library_reviews_fts, rowid, {FTS_COLUMNS}) "
               f"VALUES ('delete', old.id, {old}); "
               f"INSERT INTO library_reviews_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END")
    op.execute("INSERT INTO library_reviews_fts(library_reviews_fts) VALUES ('rebuild')")


def upgrade():
    for table, columns in _by_table():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns:
                batch_op.alter_column(column, type_=sa.String(length=length), existing_type=sa.Text(),
                                      existing_nullable=False)
    _library_triggers_again()


def downgrade():
    for table, columns in _by_table():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns:
                batch_op.alter_column(column, type_=sa.Text(), existing_type=sa.String(length=length),
                                      existing_nullable=False)
    _library_triggers_again()
