"""board papers: meetings, drafts with commentary, the Word version

Revision ID: e19f6b7c8d06
Revises: e18e5a6b7c05
Create Date: 2026-12-04 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.models_base


# revision identifiers, used by Alembic.
revision = 'e19f6b7c8d06'
down_revision = "e18e5a6b7c05"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"
NEW_STATUSES = "status IN ('draft', 'queued', 'running', 'done', 'failed')"


def upgrade():
    op.create_table('board_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('draft_days_before', sa.Integer(), nullable=False),
    sa.Column('packs_sent_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent', sa.JSON(), nullable=True),
    sa.Column('created_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('draft_days_before BETWEEN 0 AND 90', name=op.f('ck_board_meetings_draft_days_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_meetings')),
    sa.UniqueConstraint('meeting_date', name=op.f('uq_board_meetings_meeting_date'))
    )
    op.create_table('report_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_report_templates_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_templates'))
    )
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_templates_uploaded_at'), ['uploaded_at'], unique=False)
    op.create_table('pack_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('as_at_date', sa.Date(), nullable=False),
    sa.Column('requested_by_name', sa.String(length=200), nullable=False),
    sa.Column('requested_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', tracker.core.models_base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('progress', sa.String(length=200), nullable=False),
    sa.Column('error', sa.String(length=20000), nullable=False),
    sa.Column('files', sa.JSON(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("status != 'done' OR (sha256 IS NOT NULL AND content IS NOT NULL)", name=op.f('ck_pack_runs_done_has_zip')),
    sa.CheckConstraint(NEW_STATUSES, name=op.f('ck_pack_runs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_runs'))
    )
    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_runs_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pack_runs_status'), ['status'], unique=False)
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commentary', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('docx', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('docx_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_board_reports_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_board_reports_meeting_id_board_meetings'), 'board_meetings',
                                    ['meeting_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_board_reports_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_board_reports_status'), NEW_STATUSES)


def downgrade():
    op.execute("DELETE FROM board_reports WHERE status = 'draft'")
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_reports_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_board_reports_status'), OLD_STATUSES)
        batch_op.drop_constraint(batch_op.f('fk_board_reports_meeting_id_board_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_board_reports_meeting_id'))
        batch_op.drop_column('docx_sha256')
        batch_op.drop_column('docx')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('commentary')
    with op.batch_alter_table('report_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_templates_uploaded_at'))
    op.drop_table('report_templates')
    with op.batch_alter_table('pack_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pack_runs_status'))
        batch_op.drop_index(batch_op.f('ix_pack_runs_requested_at'))
    op.drop_table('pack_runs')
    op.drop_table('board_meetings')
