"""Issue 18 point 7: every audit entry names a person or the system job that acted, and the business
unit reads its partnership's audit trail (the admins' page, without the admin sections)."""

from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.users.models import Role, User


def _labels() -> set[str]:
    return set(db.session.scalars(select(AuditRecord.actor_label)))


def test_a_command_names_itself(app, monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD", "a long enough password 123")
    result = app.test_cli_runner().invoke(args=["create-user", "--email", "new@example.org", "--name", "Nia New",
                                                "--role", "business_unit"])
    assert result.exit_code == 0, result.output
    user_id = db.session.scalar(select(User.id).where(User.email == "new@example.org"))
    rows = db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "User",
                                                        AuditRecord.object_id == user_id)).all()
    assert rows and all(r.actor_label.startswith("system job: ") and r.actor_label.endswith("create-user")
                        for r in rows)


def test_writes_before_signing_in_name_the_account_never_anonymous(app, client):
    user = make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    client.post("/sign-in", data={"email": user.email, "password": "wrong-password-here"})
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "wrong-password-here"})
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    failed = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "sign_in_failed")).all()
    assert f"{user.email} (not signed in)" in {r.actor_label for r in failed}
    assert all(r.actor_id is None for r in failed)  # named, not proven to be them
    labels = _labels()
    assert "anonymous" not in labels and "" not in labels
    assert all("@" in label or label.startswith("system job: ") for label in labels), labels


def test_the_business_unit_reads_the_audit_trail(app, client, login_as):
    staff = login_as(Role.BUSINESS_UNIT)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' in home  # in the menu, as "Audit trail"
    page = client.get(f"/admin/audit?actor={staff.email}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Audit trail" in text and staff.email in text
    assert 'href="/admin/users"' not in text  # the admin sections stay the admins'
    assert client.get("/admin/audit.csv").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_an_agency_lead_cannot_read_the_audit_trail(app, client, login_as):
    login_as(Role.AGENCY_LEAD)
    assert 'href="/admin/audit"' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
