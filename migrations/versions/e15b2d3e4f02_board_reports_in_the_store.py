"""board reports in the store

Revision ID: e15b2d3e4f02
Revises: e16a7c8d9e07
Create Date: 2026-12-04 01:30:00.000000

A new report's PDF goes to the file store (local folder or S3) under `stored_name`; the `pdf` column
stays for the reports archived before, so a done report has one or the other.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e15b2d3e4f02'
down_revision = "e16a7c8d9e07"
branch_labels = None
depends_on = None

OLD = "status != 'done' OR (sha256 IS NOT NULL AND pdf IS NOT NULL)"
NEW = "status != 'done' OR (sha256 IS NOT NULL AND (pdf IS NOT NULL OR stored_name IS NOT NULL))"


def upgrade():
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_name', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_board_reports_stored_name'), ['stored_name'])
        batch_op.drop_constraint(op.f('ck_board_reports_done_has_pdf'), type_='check')
        batch_op.create_check_constraint(op.f('ck_board_reports_done_has_pdf'), NEW)


def downgrade():
    # A report whose PDF is only in the store cannot go back: the older schema needs the bytes here.
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_reports_done_has_pdf'), type_='check')
        batch_op.create_check_constraint(op.f('ck_board_reports_done_has_pdf'), OLD)
        batch_op.drop_constraint(batch_op.f('uq_board_reports_stored_name'), type_='unique')
        batch_op.drop_column('stored_name')
