"""Account notices go out only once the change is committed: a rolled-back change tells nobody."""

from tests.factories import make_user
from tests.smtp_server import SMTPServer
from tracker.auth import notices
from tracker.extensions import db
from tracker.users.models import Role


def test_a_notice_waits_for_the_commit_and_a_rollback_drops_it(app, tmp_path):
    user = make_user(Role.AGENCY_LEAD)
    db.session.commit()
    with SMTPServer(tmp_path) as smtp:
        app.config.update(smtp.config())
        notices.account_changed(user, "password")
        assert smtp.inbox.to(user.email) == []  # built, not yet sent
        db.session.rollback()
        db.session.commit()
        assert smtp.inbox.to(user.email) == []  # the change never happened: nothing is said
        notices.account_changed(user, "second factor")
        assert smtp.inbox.to(user.email) == []
        db.session.commit()
        [sent] = smtp.inbox.to(user.email)
    assert sent["Subject"] == "Your Follow Through second factor was changed"
