"""The status, role and kind columns are Enum columns: the same lowercase strings in the database, the
enum's members in Python, a CHECK generated from the enum, and a value outside it refused."""

import pytest
import sqlalchemy
from sqlalchemy import Enum

from tests import factories
from tracker.actions.models import Action, ActionStatus
from tracker.extensions import db
from tracker.users.models import Role, User


def _enum_columns():
    return [(table, column) for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, Enum)]


def test_every_enum_column_stores_its_values_under_a_generated_check(app):
    columns = _enum_columns()
    assert {(t.name, c.name) for t, c in columns} >= {
        ("actions", "status"), ("users", "role"), ("reviews", "status"), ("evidence", "kind"),
        ("learning_points", "shared_how"), ("challenges", "status"), ("board_reports", "status")}
    for table, column in columns:
        assert not column.type.native_enum
        assert column.type.enums == [member.value for member in column.type.enum_class]
        assert column.type.enums == [v.lower() for v in column.type.enums]
        assert f"ck_{table.name}_{column.name}" in {c.name for c in table.constraints}


def test_the_database_holds_the_plain_value_and_python_gets_the_member(app):
    action = factories.make_action(status=ActionStatus.IN_PROGRESS)
    db.session.commit()
    stored = db.session.execute(sqlalchemy.text("SELECT status FROM actions WHERE id = :id"),
                                {"id": action.id}).scalar_one()
    assert stored == "in_progress" and type(stored) is str
    db.session.expire_all()
    loaded = db.session.get(Action, action.id)
    assert loaded.status is ActionStatus.IN_PROGRESS
    assert loaded.status == "in_progress"  # a StrEnum: plain strings still compare equal
    assert db.session.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Action).where(
        Action.status == "in_progress")) == 1


def test_a_value_outside_the_enum_is_refused_before_the_database(app):
    user = factories.make_user(role=Role.BOARD_MEMBER)
    db.session.commit()
    user.role = "superuser"
    with pytest.raises(sqlalchemy.exc.StatementError, match="superuser"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(User, user.id).role is Role.BOARD_MEMBER


def test_the_check_refuses_what_bypasses_the_model(app):
    factories.make_action()
    db.session.commit()
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.execute(sqlalchemy.text("UPDATE actions SET status = 'lost'"))
        db.session.flush()
    db.session.rollback()
