"""import draft reading state

Revision ID: b3f9d2c7e5a1
Revises: 563cc4ce31f5
Create Date: 2026-12-03 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f9d2c7e5a1'
down_revision = '563cc4ce31f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=10), server_default='ready', nullable=False))
        batch_op.add_column(sa.Column('progress', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('error', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('ocr', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_import_drafts_state'), "state IN ('reading', 'ready', 'failed')")


def downgrade():
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_drafts_state'), type_='check')
        batch_op.drop_column('ocr')
        batch_op.drop_column('error')
        batch_op.drop_column('progress')
        batch_op.drop_column('state')
