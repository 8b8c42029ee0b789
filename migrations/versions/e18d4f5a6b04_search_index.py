"""search index

One row per searchable record (tracker/search/models.py), and its full-text index made here only,
by dialect, and kept out of the model metadata (tracker.extensions.UNMODELLED_SCHEMA): on SQLite an
FTS5 table over search_entries kept in step by triggers; on PostgreSQL a GIN index on the weighted
tsvector expression that tracker.search.queries.PG_DOCUMENT queries (the two texts must stay
identical for the planner to use it). The entries of the records already there are written here.

Revision ID: e18d4f5a6b04
Revises: e17c3e4f5a03
Create Date: 2026-12-04 01:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e18d4f5a6b04'
down_revision = "e17c3e4f5a03"
branch_labels = None
depends_on = None

FTS_COLUMNS = "reference, title, body"
PG_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, reference), 'A') || "
    "setweight(to_tsvector('english'::regconfig, title), 'B') || "
    "setweight(to_tsvector('english'::regconfig, body), 'C')"
)

#: The entries of the records already there: the statements of tracker/search/index.py as they are
#: today (a migration never imports the application's code, which changes after it).
BACKFILL = [
    "INSERT INTO search_entries (kind, object_id, review_id, action_id, reference, title, body, entry_date) "
    "SELECT 'review', r.id, r.id, NULL, r.reference, r.reference || ': ' || r.title, r.summary, NULL FROM reviews r",
    "INSERT INTO search_entries (kind, object_id, review_id, action_id, reference, title, body, entry_date) "
    "SELECT 'recommendation', c.id, c.review_id, NULL, r.reference || ' R' || c.number, "
    "'Recommendation ' || c.number, c.text, NULL FROM recommendations c JOIN reviews r ON r.id = c.review_id",
    "INSERT INTO search_entries (kind, object_id, review_id, action_id, reference, title, body, entry_date) "
    "SELECT 'action', a.id, a.review_id, a.id, r.reference || ' R' || c.number || ' A' || CAST(a.id AS VARCHAR), "
    "a.description, a.success_measure, NULL FROM actions a JOIN reviews r ON r.id = a.review_id "
    "JOIN recommendations c ON c.id = a.recommendation_id",
    "INSERT INTO search_entries (kind, object_id, review_id, action_id, reference, title, body, entry_date) "
    "SELECT 'update', u.id, a.review_id, a.id, r.reference || ' R' || c.number || ' A' || CAST(a.id AS VARCHAR), "
    "'', u.narrative, u.update_date FROM progress_updates u JOIN actions a ON a.id = u.action_id "
    "JOIN reviews r ON r.id = a.review_id JOIN recommendations c ON c.id = a.recommendation_id",
    "INSERT INTO search_entries (kind, object_id, review_id, action_id, reference, title, body, entry_date) "
    "SELECT 'evidence', e.id, a.review_id, a.id, r.reference || ' R' || c.number || ' A' || CAST(a.id AS VARCHAR), "
    "e.title, e.description, e.effective_date FROM evidence e JOIN actions a ON a.id = e.action_id "
    "JOIN reviews r ON r.id = a.review_id JOIN recommendations c ON c.id = a.recommendation_id",
]


def _create_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        new = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
        old = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
        op.execute(f"CREATE VIRTUAL TABLE search_entries_fts USING fts5({FTS_COLUMNS}, content='search_entries', "
                   "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        op.execute(f"CREATE TRIGGER search_entries_fts_insert AFTER INSERT ON search_entries BEGIN "
                   f"INSERT INTO search_entries_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER search_entries_fts_delete AFTER DELETE ON search_entries BEGIN "
                   f"INSERT INTO search_entries_fts(search_entries_fts, rowid, {FTS_COLUMNS}) "
                   f"VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER search_entries_fts_update AFTER UPDATE ON search_entries BEGIN "
                   f"INSERT INTO search_entries_fts(search_entries_fts, rowid, {FTS_COLUMNS}) "
                   f"VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO search_entries_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END")
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_search_entries_search ON search_entries USING gin (({PG_DOCUMENT}))")


def _drop_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_entries_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_entries_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entries_search")


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=100000), nullable=False),
    sa.Column('body', sa.String(length=100000), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_search_entries_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_search_entries_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_entries_kind'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_review_id'), ['review_id'], unique=False)
    _create_search_index()
    for statement in BACKFILL:
        op.execute(statement)


def downgrade():
    _drop_search_index()
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_review_id'))
        batch_op.drop_index(batch_op.f('ix_search_entries_kind'))
        batch_op.drop_index(batch_op.f('ix_search_entries_action_id'))
    op.drop_table('search_entries')
