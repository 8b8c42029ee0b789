"""enum columns: their CHECKs generated from the enums

The status, role and kind columns are SQLAlchemy Enum columns now (non-native: the same VARCHAR of
the same length, the same lowercase values), and each one's CHECK is generated from its enum instead
of written by hand. The generated CHECKs keep the hand-written ones' names (ck_<table>_<column>) and
allowed values, so the stored data does not change. What changes in the database:

- on PostgreSQL each hand-written CHECK is replaced in place by the generated one (actions'
  last_proposed_rating loses its redundant "IS NULL OR": a NULL passes an IN check anyway);
- learning_points.shared_how, which had no CHECK, gains one (an empty string, which the forms never
  stored but older data might hold, becomes NULL, its meaning: not yet shared).

On SQLite a CHECK changes only by rebuilding the table (batch mode), with foreign keys off while
it runs, as in 7d3a9e4c1f23: dropping the old copy of a referenced table would otherwise cascade.

Revision ID: 563cc4ce31f5
Revises: 8f1c2d3e4a56
Create Date: 2026-12-03 21:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '563cc4ce31f5'
down_revision = '8f1c2d3e4a56'
branch_labels = None
depends_on = None

#: (table, column, the enum's values) for every Enum column, in the order of the models.
ENUM_COLUMNS = [
    ('agencies', 'kind', "'agency', 'partnership', 'subgroup', 'national'"),
    ('reviews', 'review_type', "'rapid_review', 'cspr', 'scr', 'silp', 'local_learning', 'thematic', "
                               "'special_practice', 'sar', 'dhr'"),
    ('reviews', 'status', "'notified', 'rapid_review', 'commissioned', 'drafting', 'signed_off', 'published', "
                          "'closed'"),
    ('learning_points', 'shared_how', "'briefing', 'training', 'event', 'newsletter'"),
    ('recommendations', 'kind', "'partnership', 'single_agency', 'national'"),
    ('users', 'role', "'admin', 'business_unit', 'agency_lead', 'board_member', 'scrutineer'"),
    ('actions', 'status', "'draft', 'open', 'in_progress', 'submitted', 'assured', 'withdrawn', 'superseded'"),
    ('actions', 'last_proposed_rating', "'blue', 'red', 'amber', 'green', 'none'"),
    ('board_reports', 'status', "'queued', 'running', 'done', 'failed'"),
    ('recommendation_responses', 'response', "'accepted', 'partly_accepted', 'not_accepted'"),
    ('reminder_messages', 'kind', "'lead_digest', 'weekly_summary'"),
    ('reminder_messages', 'status', "'sent', 'failed'"),
    ('assurance_decisions', 'decision', "'accepted', 'returned'"),
    ('challenges', 'status', "'open', 'answered', 'closed'"),
    ('due_date_requests', 'status', "'pending', 'approved', 'declined'"),
    ('evidence', 'kind', "'completion', 'impact'"),
    ('impact_reviews', 'outcome', "'sustained', 'partly', 'not_sustained'"),
]
#: The one column that had no CHECK before.
NEW_CHECK = ('learning_points', 'shared_how')


def _generated(column: str, values: str) -> str:
    return f"{column} IN ({values})"


def _hand_written(table: str, column: str, values: str) -> str:
    if (table, column) == ('actions', 'last_proposed_rating'):
        return f"{column} IS NULL OR {column} IN ({values})"
    return f"{column} IN ({values})"


def _sqlite_foreign_keys(on: bool):
    """Batch mode rebuilds a SQLite table by dropping it, and with foreign keys on that drop
    cascades into every table that references it. The pragma only takes effect outside a
    transaction, so finish the open one first (SQLite DDL here is not transactional anyway)."""
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    op.execute("UPDATE learning_points SET shared_how = NULL WHERE shared_how = ''")
    _sqlite_foreign_keys(False)
    for table, column, values in ENUM_COLUMNS:
        new = (table, column) == NEW_CHECK
        with op.batch_alter_table(table, schema=None) as batch_op:
            if not new:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), _generated(column, values))
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    for table, column, values in reversed(ENUM_COLUMNS):
        new = (table, column) == NEW_CHECK
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
            if not new:
                batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), _hand_written(table, column, values))
    _sqlite_foreign_keys(True)
