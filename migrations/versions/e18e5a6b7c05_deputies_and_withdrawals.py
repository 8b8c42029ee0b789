"""deputies, withdrawals and comments

Revision ID: e18e5a6b7c05
Revises: e18d4f5a6b04
Create Date: 2026-12-04 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.models_base


# revision identifiers, used by Alembic.
revision = 'e18e5a6b7c05'
down_revision = "e18d4f5a6b04"
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
    sa.Column('created_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=True),
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
            batch_op.add_column(sa.Column('withdrawn_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('withdrawal_reason', sa.String(length=5000), server_default='', nullable=False))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'])
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=5000), nullable=False),
    sa.Column('created_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=5000), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_comments_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_comments_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_action_created', ['action_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_created_at'), ['created_at'], unique=False)
    op.create_table('comment_mentions',
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_mentions_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_mentions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_comment_mentions'))
    )
    with op.batch_alter_table('comment_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_mentions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_digest', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_digest')
    with op.batch_alter_table('comment_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_mentions_user_id'))
    op.drop_table('comment_mentions')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_created_at'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))
        batch_op.drop_index('ix_comments_action_created')
    op.drop_table('comments')
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
