"""history indexes: status changes and due-date moves by action, then time

The board report rebuilds each action as it stood on a day from the last status change and the last
due-date move made by then, one correlated lookup per action. On the ten-year data (12,000 actions,
57,000 status changes) the (action, time) index lets each lookup seek straight to that row instead of
sorting the action's history; it also serves everything the old action-only index did, which it
replaces.

Revision ID: g22b4c5d6e08
Revises: f22b4c5d6e08
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'g22b4c5d6e08'
down_revision = 'f22b4c5d6e08'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("status_changes", "due_date_changes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_action_changed", ["action_id", "changed_at"], unique=False)
            batch_op.drop_index(f"ix_{table}_action_id")


def downgrade():
    for table in ("status_changes", "due_date_changes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_action_id", ["action_id"], unique=False)
            batch_op.drop_index(f"ix_{table}_action_changed")
