"""deputies and withdrawals

Revision ID: e18e5a6b7c05
Revises: b3f9d2c7e5a1
Create Date: 2026-12-04 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.models_base


# revision identifiers, used by Alembic.
revision = 'e18e5a6b7c05'
down_revision = 'b3f9d2c7e5a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deputies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', tracker.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_deputies_period_in_order')),
    sa.CheckConstraint('lead_id != deputy_id', name=op.f('ck_deputies_not_oneself')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deputies_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_deputies_deputy_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['users.id'], name=op.f('fk_deputies_lead_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deputies'))
    )
    with op.batch_alter_table('deputies', schema=None) as batch_op:
        batch_op.create_index('ix_deputies_deputy_period', ['deputy_id', 'start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_deputies_lead_id'), ['lead_id'], unique=False)
    for table in ('progress_updates', 'evidence'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', tracker.models_base.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), server_default='', nullable=False))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'])


def downgrade():
    for table in ('evidence', 'progress_updates'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), type_='foreignkey')
            batch_op.drop_column('withdrawal_reason')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('deputies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deputies_lead_id'))
        batch_op.drop_index('ix_deputies_deputy_period')
    op.drop_table('deputies')
