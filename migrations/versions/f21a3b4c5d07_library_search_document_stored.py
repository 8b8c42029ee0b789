"""library search: the PostgreSQL tsvector stored, not worked out on every search

The GIN expression index (5b1e7c2a9d01) served the match, but the ranking (ts_rank_cd) worked out the
weighted tsvector again for every matching entry on every search: the library search served 49 requests
a second on PostgreSQL behind two servers (scripts/bench_scaleout.py) against 146 for the reviews list.
The document is now a stored generated column, indexed, that the match and the ranking both read.
PostgreSQL only; SQLite keeps its FTS5 table. The column stays out of the model metadata
(tracker.extensions.UNMODELLED_SCHEMA).

Revision ID: f21a3b4c5d07
Revises: f20e1f2a3b05
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f21a3b4c5d07'
down_revision = "f20e1f2a3b05"
branch_labels = None
depends_on = None

#: 5b1e7c2a9d01's document, word for word.
PG_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, learning || ' ' || recommendations), 'B') || "
    "setweight(to_tsvector('english'::regconfig, keywords), 'B') || "
    "setweight(to_tsvector('english'::regconfig, summary), 'C')"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_library_reviews_search")
    op.execute(f"ALTER TABLE library_reviews ADD COLUMN search_document tsvector "
               f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED")
    op.execute("CREATE INDEX ix_library_reviews_search ON library_reviews USING gin (search_document)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_library_reviews_search")
    op.execute("ALTER TABLE library_reviews DROP COLUMN search_document")
    op.execute(f"CREATE INDEX ix_library_reviews_search ON library_reviews USING gin (({PG_DOCUMENT}))")
