"""Email reminders, sent through a real SMTP server started by the test and read back from it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import TODAY, make_action, make_agency, make_user
from tests.smtp_server import SMTPServer
from tracker.actions import services as actions
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.reminders.models import ReminderItem, ReminderMessage
from tracker.reports.tasks import run_due_reminders
from tracker.rounds.services import close_round, open_round
from tracker.users.models import Role

assert TODAY.weekday() == 0  # a Monday: the weekly summary's default day


@pytest.fixture
def smtp(app, tmp_path):
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        yield server


def send(app, *args):
    result = app.test_cli_runner().invoke(args=["send-reminders", *args])
    db.session.expire_all()
    return result


def body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


@pytest.fixture
def world(app):
    """One agency lead with actions in every state that matters, plus a business unit officer."""
    agency = make_agency("Dudley Police", "POL")
    lead = make_user(Role.AGENCY_LEAD, agency=agency, email="lead@police.example.org", name="Pat Lead")
    staff = make_user(Role.BUSINESS_UNIT, email="bu@example.org", name="Bea Unit")
    made = {}
    for key, status, due in (("overdue", "in_progress", TODAY - timedelta(days=3)),
                             ("at_risk", "open", TODAY + timedelta(days=10)),
                             ("later", "open", TODAY + timedelta(days=60)),
                             ("submitted", "submitted", TODAY - timedelta(days=5)),
                             ("withdrawn", "withdrawn", TODAY - timedelta(days=5))):
        made[key] = make_action(owner=agency, lead=lead, status=status, due_date=due, by=staff,
                                description=f"Action {key.upper()}")
    db.session.commit()
    return {"agency": agency, "lead": lead, "staff": staff, **made}


def test_a_lead_gets_overdue_and_due_soon_actions_with_links(app, smtp, world):
    result = send(app)
    assert result.exit_code == 0, result.output
    [message] = smtp.inbox.to("lead@police.example.org")
    text, html = body(message, "plain"), body(message, "html")
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Follow Through: 1 overdue, 1 due soon"
    assert message["From"] == "Follow Through <tracker@example.org>"
    for part in (text, html):
        assert "Action OVERDUE" in part and "Action AT_RISK" in part
        for left_out in ("Action LATER", "Action SUBMITTED", "Action WITHDRAWN"):
            assert left_out not in part
        assert f"https://tracker.example.org/actions/{world['overdue'].id}" in part
    assert "Due 30 May 2025, 3 days ago" in text
    assert "<img" not in html
    assert "Sent: lead@police.example.org" in result.output


def test_every_message_is_recorded_with_the_actions_it_covered(app, smtp, world, client, login_as):
    send(app)
    record = db.session.scalar(select(ReminderMessage).where(ReminderMessage.recipient_email == "lead@police.example.org"))
    assert (record.kind, record.status, record.sent_date) == ("lead_digest", "sent", TODAY)
    assert {(i.action_id, i.section) for i in record.items} == {
        (world["overdue"].id, "overdue"), (world["at_risk"].id, "at_risk")}
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.event == "email_sent",
                                                       AuditRecord.object_id == record.id)) is not None
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    page = client.get(f"/actions/{world['overdue'].id}").get_data(as_text=True)
    assert "Reminders sent" in page and "Follow Through: 1 overdue, 1 due soon" in page and "Pat Lead" in page
    assert "No reminder emails have listed this action." in client.get(f"/actions/{world['later'].id}").get_data(as_text=True)


def test_the_action_page_shows_reminders_to_readers(app, smtp, world, client, login_as):
    send(app)
    login_as(Role.BOARD_MEMBER)
    page = client.get(f"/actions/{world['overdue'].id}").get_data(as_text=True)
    assert "Reminder to the lead" in page and "lead@police.example.org" in page


def test_nobody_gets_the_same_reminder_twice_in_a_day_but_again_the_next_day(app, smtp, world):
    send(app)
    first = len(smtp.messages)
    again = send(app)
    assert again.exit_code == 0
    assert len(smtp.messages) == first
    assert "0 sent" in again.output and "already sent today" in again.output
    next_day = send(app, "--today", (TODAY + timedelta(days=1)).isoformat())
    assert next_day.exit_code == 0
    assert len(smtp.inbox.to("lead@police.example.org")) == 2
    assert db.session.query(ReminderMessage).filter_by(recipient_email="lead@police.example.org").count() == 2


def test_reminders_follow_the_new_lead_after_reassignment_and_stop_at_submission(app, smtp, world):
    new_lead = make_user(Role.AGENCY_LEAD, agency=world["agency"], email="new@police.example.org")
    action = world["overdue"]
    actions.edit_action(action, description=action.description, owner=world["agency"], lead=new_lead,
                        success_measure=action.success_measure)
    db.session.commit()
    send(app)
    [to_new] = smtp.inbox.to("new@police.example.org")
    assert "Action OVERDUE" in body(to_new, "plain")
    [to_old] = smtp.inbox.to("lead@police.example.org")
    assert "Action OVERDUE" not in body(to_old, "plain") and "Action AT_RISK" in body(to_old, "plain")

    from tests.factories import make_evidence
    make_evidence(action, new_lead, kind="impact")
    actions.submit_for_assurance(action, new_lead, TODAY)
    db.session.commit()
    send(app, "--today", (TODAY + timedelta(days=1)).isoformat())
    assert len(smtp.inbox.to("new@police.example.org")) == 1  # nothing left for them the next day


def test_the_weekly_summary_goes_to_the_business_unit_only_on_its_weekday(app, smtp, world):
    send(app, "--today", (TODAY + timedelta(days=1)).isoformat())  # a Tuesday
    assert smtp.inbox.to("bu@example.org") == []
    send(app)  # Monday
    [summary] = smtp.inbox.to("bu@example.org")
    assert summary["Subject"] == "Weekly summary: 1 overdue action across 1 agency"
    text = body(summary, "plain")
    assert "DUDLEY POLICE (1 overdue)" in text and "Action OVERDUE" in text and "lead: Pat Lead" in text
    assert "Action SUBMITTED" not in text
    assert summary.get_content_type() == "multipart/alternative"
    assert smtp.inbox.to("lead@police.example.org")[0]["Subject"].startswith("Follow Through:")


def test_the_weekly_summary_day_is_a_setting(app, smtp, world, client, login_as):
    login_as(Role.ADMIN)
    form = client.get("/admin/settings").get_data(as_text=True)
    assert "Day of the weekly overdue summary" in form
    response = client.post("/admin/settings", data={
        "at_risk_days": "28", "stale_update_days": "90", "evidence_max_mb": "20", "summary_weekday": "2", "response_days": "28", "impact_review_months": "6",
        **{f"label_{k}": k.title() for k in ("blue", "red", "amber", "green", "none")},
        **{f"definition_{k}": "Meaning." for k in ("blue", "red", "amber", "green", "none")}})
    assert response.status_code == 302
    send(app)
    assert smtp.inbox.to("bu@example.org") == []
    send(app, "--today", (TODAY + timedelta(days=2)).isoformat())  # Wednesday
    assert len(smtp.inbox.to("bu@example.org")) == 1


def test_updates_asked_for_in_an_open_round_are_listed_until_answered(app, smtp, world):
    round_ = open_round(name="Quarter 3 update for the March board", deadline=TODAY + timedelta(days=14),
                        by=world["staff"], today=TODAY)
    db.session.commit()
    send(app)
    [message] = smtp.inbox.to("lead@police.example.org")
    assert message["Subject"] == "Follow Through: 1 overdue, 1 due soon, 3 updates requested"
    text = body(message, "plain")
    assert "UPDATES REQUESTED FROM YOU (3)" in text
    assert "Quarter 3 update for the March board: update due by 16 June 2025" in text
    assert "Action LATER" in text  # not due yet, but an update is asked for

    actions.record_progress(world["later"], by=world["lead"], narrative="On track.", proposed_rating="green",
                            update_date=TODAY + timedelta(days=1), today=TODAY + timedelta(days=1))
    db.session.commit()
    send(app, "--today", (TODAY + timedelta(days=1)).isoformat())
    text = body(smtp.inbox.to("lead@police.example.org")[-1], "plain")
    assert "UPDATES REQUESTED FROM YOU (2)" in text and "Action LATER" not in text

    close_round(round_, by=world["staff"], today=TODAY + timedelta(days=2))
    db.session.commit()
    send(app, "--today", (TODAY + timedelta(days=2)).isoformat())
    assert "UPDATES REQUESTED" not in body(smtp.inbox.to("lead@police.example.org")[-1], "plain")


def test_not_configured_says_so_and_sends_nothing(app, world, client, login_as):
    app.config.update(MAIL_SERVER=None, MAIL_SENDER=None)
    result = send(app)
    assert result.exit_code == 2
    assert "Email reminders are not configured" in result.output and "MAIL_SERVER" in result.output
    assert db.session.query(ReminderMessage).count() == 0
    login_as(Role.ADMIN)
    assert "Email reminders are not configured" in client.get("/admin/").get_data(as_text=True)
    assert "Email reminders are not configured" in client.get("/admin/settings").get_data(as_text=True)


def test_the_admin_page_says_where_mail_goes_when_configured(app, smtp, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Configured" in page and f"127.0.0.1:{smtp.port}" in page and "tracker@example.org" in page


def test_a_refused_recipient_is_recorded_reported_and_tried_again_later(app, tmp_path, world):
    with SMTPServer(tmp_path, refuse={"lead@police.example.org"}) as server:
        app.config.update(server.config())
        result = send(app)
        assert result.exit_code == 1
        assert "Failed: lead@police.example.org" in result.output
        assert len(server.inbox.to("bu@example.org")) == 1  # the others still went
    failed = db.session.scalar(select(ReminderMessage).where(ReminderMessage.recipient_email == "lead@police.example.org"))
    assert failed.status == "failed" and "550" in failed.error
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        result = send(app)
        assert result.exit_code == 0, result.output
        assert [m["To"] for m in server.messages] == ["Pat Lead <lead@police.example.org>"]
    db.session.refresh(failed)
    assert failed.status == "sent" and failed.error == "" and len(failed.items) == 2


def test_an_unreachable_server_fails_every_message_and_keeps_the_records(app, world):
    from tests.smtp_server import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SECURITY="none",
                      MAIL_SENDER="tracker@example.org", BASE_URL="https://tracker.example.org")
    result = send(app)
    assert result.exit_code == 1
    assert "Could not connect" in result.output
    rows = db.session.scalars(select(ReminderMessage)).all()
    assert rows and {r.status for r in rows} == {"failed"}


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connections_with_a_login(app, tmp_path, world, security):
    with SMTPServer(tmp_path, tls=security, credentials=("tracker", "s3cret-pass")) as server:
        app.config.update(server.config(security), MAIL_USERNAME="tracker", MAIL_PASSWORD="s3cret-pass")
        result = send(app)
        assert result.exit_code == 0, result.output
        assert server.inbox.logins and server.inbox.to("lead@police.example.org")


def test_the_task_queue_sends_after_the_configured_hour(app, smtp, world):
    app.config["REMINDER_HOUR"] = 7
    assert run_due_reminders(6, TODAY) == "not yet time"
    assert smtp.messages == []
    assert run_due_reminders(7, TODAY).startswith("2 sent")
    assert run_due_reminders(8, TODAY) == "0 sent, 2 already sent, 0 failed"
    app.config["MAIL_SERVER"] = None
    assert run_due_reminders(9, TODAY) == "email reminders are not configured"


def test_the_periodic_task_is_registered_hourly():
    from tracker.reports.tasks import huey, send_reminders_task

    assert send_reminders_task.task_class.__name__ in {t.__name__ for t in huey._registry._periodic_tasks}


def test_a_reminder_run_over_the_demo_data(app, smtp):
    from tracker.demo.builder import build_demo

    build_demo(TODAY)
    db.session.commit()
    # The demo's reopened action was told at once, at the commit; the run below is the digests.
    assert {m["Subject"].split(":")[0] for m in smtp.messages} == {"Action reopened"}
    smtp.messages.clear()
    result = send(app)
    assert result.exit_code == 0, result.output
    assert smtp.messages
    digests = [m for m in smtp.messages if m["Subject"].startswith("Follow Through:")]
    summaries = [m for m in smtp.messages if m["Subject"].startswith("Weekly summary")]
    assert digests and summaries
    assert len({m["To"] for m in digests}) == len(digests)  # one each
    for message in smtp.messages:
        assert message.get_content_type() == "multipart/alternative"
        assert "https://tracker.example.org/actions/" in body(message, "plain")
    covered = db.session.scalars(select(ReminderItem.action_id)).all()
    assert covered
    assert send(app).output.startswith("0 sent")


def test_mail_status_names_what_is_missing_or_wrong():
    from tracker.reminders.mail import mail_status

    status = mail_status({"MAIL_SERVER": "smtp.example.org", "MAIL_SECURITY": "tls"})
    assert not status.configured
    assert status.summary == ("Email reminders are not configured: MAIL_SENDER and BASE_URL are not set (in "
                              "instance/config.py, or as TRACKER_MAIL_SENDER and so on in the environment); "
                              "MAIL_SECURITY must be starttls, ssl or none.")
    ok = mail_status({"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 465, "MAIL_SECURITY": "ssl",
                      "MAIL_SENDER": "tracker@example.org", "BASE_URL": "https://example.org"})
    assert ok.configured and ok.summary == ("Email reminders are sent through smtp.example.org:465 (TLS) from "
                                            "tracker@example.org.")


def test_links_use_the_base_url_with_its_path(app):
    from tracker.reminders.mail import external_url

    app.config["BASE_URL"] = "https://intranet.example.org/tracker/"
    assert external_url("actions.show", action_id=7) == "https://intranet.example.org/tracker/actions/7"


def test_formal_responses_owed_are_listed_near_and_past_their_deadline_until_recorded(app, smtp, world):
    from datetime import date

    from tests import factories
    from tracker.recommendations.services import record_formal_response

    police, lead = world["agency"], world["lead"]
    other = make_agency("Health Trust", "HT")
    make_user(Role.AGENCY_LEAD, agency=other, email="lead@health.example.org", name="Hal Health")
    late = factories.make_review(reference="CSPR-LATE", published_date=date(2025, 4, 1),
                                 response_deadline=TODAY - timedelta(days=4))
    soon = factories.make_review(reference="CSPR-SOON", published_date=date(2025, 5, 20),
                                 response_deadline=TODAY + timedelta(days=10))
    factories.make_review(reference="CSPR-LATER", published_date=date(2025, 5, 30),
                          response_deadline=TODAY + timedelta(days=60))  # outside the at-risk window
    owed = factories.make_recommendation(late, number="2", addressees=[police])
    factories.make_recommendation(soon, number="1", addressees=[police])
    factories.make_recommendation(factories.make_review(reference="CSPR-UNPUB", status="drafting"), number="1",
                                  addressees=[police])  # not published: nothing is owed yet
    db.session.commit()

    send(app)
    [message] = smtp.inbox.to("lead@police.example.org")
    text = body(message, "plain")
    assert "FORMAL RESPONSES OWED BY YOUR AGENCY (2)" in text
    assert "CSPR-LATE recommendation 2" in text and "Response was due 29 May 2025, 4 days ago" in text
    assert "CSPR-SOON recommendation 1" in text and "Response due by 12 June 2025" in text
    assert "CSPR-LATER" not in text and "CSPR-UNPUB" not in text
    assert f"https://tracker.example.org/recommendations/{owed.id}" in text
    assert "2 formal responses owed" in message["Subject"]
    assert smtp.inbox.to("lead@health.example.org") == []  # nothing is asked of that agency
    record = db.session.scalar(select(ReminderMessage).where(ReminderMessage.recipient_email == lead.email))
    assert (owed.id, "response_owed") in {(i.recommendation_id, i.section) for i in record.items}

    record_formal_response(owed, police, response="accepted", reasons="", response_date=TODAY, by=lead, today=TODAY)
    db.session.commit()
    smtp.inbox.messages.clear()
    send(app, "--today", (TODAY + timedelta(days=1)).isoformat())
    text = body(smtp.inbox.to("lead@police.example.org")[0], "plain")
    assert "CSPR-LATE" not in text and "CSPR-SOON recommendation 1" in text


def test_the_consumer_module_gives_the_tasks_the_application_factory(monkeypatch):
    """`huey_consumer tracker.reports.consumer.huey` (make run) builds one application for the consumer's
    tasks; the tasks module itself never imports the application (that would be an import cycle)."""
    from tracker import create_app
    from tracker.reports import consumer, tasks

    assert consumer.huey is tasks.huey and tasks._app_factory is create_app
    built = []
    monkeypatch.setattr(tasks, "_app", None)
    monkeypatch.setattr(tasks, "_app_factory", lambda: built.append("app") or "the app")
    assert tasks._consumer_app() == "the app" and tasks._consumer_app() == "the app"
    assert built == ["app"]
    monkeypatch.setattr(tasks, "_app", None)
    monkeypatch.setattr(tasks, "_app_factory", None)
    with pytest.raises(RuntimeError, match="tracker.reports.consumer.huey"):
        tasks._consumer_app()
