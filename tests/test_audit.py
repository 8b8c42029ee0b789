from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, TODAY, make_action, make_user
from tracker.actions import services
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.users.models import Role


def _records(**where):
    stmt = select(AuditRecord).order_by(AuditRecord.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditRecord, key) == value)
    return db.session.scalars(stmt).all()


def test_every_write_leaves_old_and_new_values(app):
    lead = make_user(Role.AGENCY_LEAD)
    action = make_action(lead=lead, status="in_progress")
    staff = make_user(Role.BUSINESS_UNIT)
    old_due = action.due_date
    services.move_due_date(action, old_due + timedelta(days=7), "Rescheduled.", staff)
    db.session.commit()
    created = _records(event="create", object_type="Action", object_id=action.id)
    assert created and created[0].changes["description"] == [None, action.description]
    updates = [r for r in _records(event="update", object_type="Action", object_id=action.id)
               if "due_date" in r.changes]
    assert updates[-1].changes["due_date"] == [old_due.isoformat(), (old_due + timedelta(days=7)).isoformat()]
    assert _records(event="create", object_type="DueDateChange")


def test_deletes_are_recorded(app):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    user_id = user.id
    db.session.delete(user)
    db.session.commit()
    deleted = _records(event="delete", object_type="User", object_id=user_id)
    assert deleted and deleted[0].changes["email"][0] == user.email


def test_password_hashes_never_reach_the_trail(app):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    user.set_password("another-long-password")
    db.session.commit()
    for record in _records(object_type="User", object_id=user.id):
        assert "password_hash" not in record.changes or record.changes["password_hash"] == ["(changed)", "(changed)"]
        assert "scrypt" not in str(record.changes) and "pbkdf2" not in str(record.changes)


def test_sign_in_sign_out_and_failures_are_recorded_with_who_and_where(app, client):
    user = make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    client.post("/sign-in", data={"email": user.email, "password": "wrong-password-here"})
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    client.post("/sign-out")
    events = [(r.event, r.actor_id, r.remote_addr) for r in _records()
              if r.event.startswith("sign")]
    assert events == [("sign_in_failed", None, "127.0.0.1"), ("sign_in", user.id, "127.0.0.1"),
                      ("sign_out", user.id, "127.0.0.1")]


def test_request_writes_are_attributed_to_the_signed_in_user(app, client, login_as):
    lead = login_as(Role.AGENCY_LEAD)
    action = make_action(lead=lead, status="in_progress", today=TODAY)
    db.session.commit()
    response = client.post(f"/actions/{action.id}/update", data={
        "proposed_rating": "amber", "narrative": "Two sessions cancelled.",
        "update_date": [str(TODAY.day), str(TODAY.month), str(TODAY.year)]})
    assert response.status_code == 302
    created = _records(event="create", object_type="ProgressUpdate")
    assert len(created) == 2  # the factory's own update, then this one
    assert created[-1].actor_id == lead.id and created[-1].remote_addr == "127.0.0.1"
    assert created[-1].changes["narrative"] == [None, "Two sessions cancelled."]
    refused = client.post(f"/actions/{action.id}/open")  # only the business unit opens drafts
    assert refused.status_code in (403, 404)
    assert _records(event="create", object_type="ProgressUpdate") == created


def test_audit_records_cannot_be_changed_or_deleted(app):
    make_user(Role.BOARD_MEMBER)
    db.session.commit()
    record = _records()[0]
    record.summary = "tampered"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_records()[0])
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
