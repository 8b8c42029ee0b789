"""report files in the store, not in database columns

The last files kept in the database move to the file store (tracker.storage, area `reports`), where
evidence and source documents already are: the PDFs of board reports archived before e15b2d3e4f02
(`board_reports.pdf`), every report's Word version (`board_reports.docx`), the partnership's Word
templates (`report_templates.content`) and the agency packs' zips (`pack_runs.content`). Each row keeps
its file's name, size and SHA-256; the columns are dropped.

The bytes are written here, to the store the application is configured with: Flask-Migrate runs every
migration inside the application (`flask migrate-once`, `flask db upgrade`), so the store is the one the
servers use, local folders or S3. Done in the migration rather than by a command run afterwards because
then no release has to read two places, the columns go in the same step, and the schema can never be
at this revision with a report's bytes still in a column. It is safe to run again: on PostgreSQL the
whole upgrade is one transaction, so a store that fails part way leaves the database as it was (and the
files already written, named by row and content, are written again identically on the next run, or
removed by `flask storage sweep --delete`). It needs the store to answer, and cannot run offline.

Downgrade reads the Word versions, templates and zips back into their columns (the PDFs may stay in
the store: e15b2d3e4f02 reads them there); their files are left in the store for `flask storage sweep`.

Revision ID: f22b4c5d6e08
Revises: f21a3b4c5d07
Create Date: 2026-12-04 19:00:00.000000

"""
import hashlib
import io
import logging

import sqlalchemy as sa
from alembic import context, op
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'f22b4c5d6e08'
down_revision = "f21a3b4c5d07"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

OLD_PDF = "status != 'done' OR (sha256 IS NOT NULL AND (pdf IS NOT NULL OR stored_name IS NOT NULL))"
NEW_PDF = "status != 'done' OR (sha256 IS NOT NULL AND stored_name IS NOT NULL)"
DOCX = ("(docx_sha256 IS NULL AND docx_stored_name IS NULL) OR "
        "(docx_sha256 IS NOT NULL AND docx_stored_name IS NOT NULL)")
OLD_ZIP = "status != 'done' OR (sha256 IS NOT NULL AND content IS NOT NULL)"
NEW_ZIP = "status != 'done' OR (sha256 IS NOT NULL AND stored_name IS NOT NULL)"

#: table, column of bytes, the name of each row's file ({id}, {sha}), and the columns that record it
#: (name, size, SHA-256 if the row has none yet).
MOVES = (
    ("board_reports", "pdf", "board-report-{id}-{sha}.pdf", "stored_name", "size_bytes", "sha256"),
    ("board_reports", "docx", "board-report-{id}-{sha}.docx", "docx_stored_name", "docx_size_bytes", "docx_sha256"),
    ("report_templates", "content", "report-template-{id}-{sha}.docx", "stored_name", "size_bytes", "sha256"),
    ("pack_runs", "content", "agency-packs-{id}-{sha}.zip", "stored_name", "size_bytes", "sha256"),
)


def _store():
    if context.is_offline_mode():
        raise RuntimeError("f22b4c5d6e08 moves report files into the file store: run it online "
                           "(flask migrate-once), not as SQL.")
    return current_app.extensions["tracker_storage"]


def _move_out(store) -> None:
    """Each row's bytes into the store, one row in memory at a time, then its name, size and hash on
    the row (a SHA-256 already on the row is kept: a damaged file stays refused)."""
    bind = op.get_bind()
    for table, column, pattern, name_col, size_col, sha_col in MOVES:
        ids = bind.execute(sa.text(f"SELECT id FROM {table} WHERE {column} IS NOT NULL AND {name_col} IS NULL "
                                   f"ORDER BY id")).scalars().all()
        for row_id in ids:
            data, recorded = bind.execute(sa.text(f"SELECT {column}, {sha_col} FROM {table} WHERE id = :id"),
                                          {"id": row_id}).one()
            data = bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            if recorded and recorded != sha:
                log.warning("%s %s: the %s no longer matches its SHA-256; moved as it is", table, row_id, column)
            name = pattern.format(id=row_id, sha=sha[:16])
            written = store.put(f"reports/{name}", io.BytesIO(data))
            bind.execute(sa.text(f"UPDATE {table} SET {name_col} = :name, {size_col} = :size, "
                                 f"{sha_col} = COALESCE({sha_col}, :sha) WHERE id = :id"),
                         {"name": name, "size": written.size, "sha": written.sha256, "id": row_id})
    # A Word version recorded without its bytes cannot be served: it is recorded as absent.
    bind.execute(sa.text("UPDATE board_reports SET docx_sha256 = NULL WHERE docx_stored_name IS NULL"))


def upgrade():
    store = _store()
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('docx_stored_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('docx_size_bytes', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_board_reports_docx_stored_name'), ['docx_stored_name'])
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_name', sa.String(length=80), nullable=True))
    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_name', sa.String(length=80), nullable=True))

    _move_out(store)

    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_reports_done_has_pdf'), type_='check')
        batch_op.drop_column('pdf')
        batch_op.drop_column('docx')
        batch_op.create_check_constraint(op.f('ck_board_reports_done_has_pdf'), NEW_PDF)
        batch_op.create_check_constraint(op.f('ck_board_reports_docx_has_file'), DOCX)
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.drop_column('content')
        batch_op.alter_column('stored_name', existing_type=sa.String(length=80), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_report_templates_stored_name'), ['stored_name'])
    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pack_runs_done_has_zip'), type_='check')
        batch_op.drop_column('content')
        batch_op.create_unique_constraint(batch_op.f('uq_pack_runs_stored_name'), ['stored_name'])
        batch_op.create_check_constraint(op.f('ck_pack_runs_done_has_zip'), NEW_ZIP)


def _read_back(store) -> None:
    """The Word versions, templates and zips back into their columns (the PDFs stay in the store)."""
    bind = op.get_bind()
    for table, column, _pattern, name_col, _size_col, _sha_col in MOVES[1:]:
        rows = bind.execute(sa.text(f"SELECT id, {name_col} FROM {table} WHERE {name_col} IS NOT NULL "
                                    f"ORDER BY id")).all()
        for row_id, name in rows:
            data = store.open(f"reports/{name}").read_all()
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :data WHERE id = :id"),
                         {"data": data, "id": row_id})


def downgrade():
    store = _store()
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('docx', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))

    _read_back(store)

    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pack_runs_done_has_zip'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_pack_runs_stored_name'), type_='unique')
        batch_op.drop_column('stored_name')
        batch_op.create_check_constraint(op.f('ck_pack_runs_done_has_zip'), OLD_ZIP)
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_report_templates_stored_name'), type_='unique')
        batch_op.drop_column('stored_name')
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_reports_docx_has_file'), type_='check')
        batch_op.drop_constraint(op.f('ck_board_reports_done_has_pdf'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_board_reports_docx_stored_name'), type_='unique')
        batch_op.drop_column('docx_size_bytes')
        batch_op.drop_column('docx_stored_name')
        batch_op.create_check_constraint(op.f('ck_board_reports_done_has_pdf'), OLD_PDF)
