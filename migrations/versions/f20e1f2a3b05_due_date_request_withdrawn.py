"""due-date requests can be withdrawn as a mistake

Revision ID: f20e1f2a3b05
Revises: e19f6b7c8d06
Create Date: 2026-12-04 06:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f20e1f2a3b05'
down_revision = "e19f6b7c8d06"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'approved', 'declined')"
NEW_STATUSES = "status IN ('pending', 'approved', 'declined', 'withdrawn')"


def upgrade():
    with op.batch_alter_table('due_date_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_due_date_requests_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_due_date_requests_status'), NEW_STATUSES)


def downgrade():
    # A withdrawn request was never decided: it reads as declined, with its withdrawal reason as the note.
    op.execute("UPDATE due_date_requests SET status = 'declined' WHERE status = 'withdrawn'")
    with op.batch_alter_table('due_date_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_due_date_requests_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_due_date_requests_status'), OLD_STATUSES)
