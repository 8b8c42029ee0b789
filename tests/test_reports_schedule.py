"""Board meetings and scheduled runs: a draft report prepared the chosen days before each meeting, the
business manager emailed a link; every agency's pack made and its leads emailed; a record of what was
sent; each meeting prepared once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.smtp_server import SMTPServer
from tracker.actions.models import StatusChange
from tracker.extensions import db
from tracker.reports.models import BoardMeeting, BoardReport, PackRun
from tracker.reports.schedule import run_schedule
from tracker.users.models import Role

TODAY = factories.TODAY


@pytest.fixture
def smtp(app, tmp_path):
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        yield server


@pytest.fixture
def world(app, monkeypatch):
    monkeypatch.setattr("tracker.reports.packs.htmls_to_pdfs",
                        lambda htmls, *args, **kw: [b"%PDF-1.7 fake" for _ in htmls])
    police = factories.make_agency("West Midlands Police", "WMP")
    review = factories.make_review("CSPR-2025-07", title="Child R")
    rec = factories.make_recommendation(review, "1", addressees=[police])
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, email="lead@police.example.org", name="Pat Lead")
    staff = factories.make_user(Role.BUSINESS_UNIT, email="bu@example.org", name="Bea Unit")
    factories.make_action(owner=police, lead=lead, recommendation=rec, by=staff)
    factories.make_user(Role.BOARD_MEMBER, email="board@example.org")
    for change in db.session.scalars(select(StatusChange)):
        change.changed_at = datetime(2025, 5, 3, 10, tzinfo=UTC)
    meeting = BoardMeeting(meeting_date=TODAY + timedelta(days=7), title="Partnership board", draft_days_before=7,
                           sent=[])
    later = BoardMeeting(meeting_date=TODAY + timedelta(days=30), title="Partnership board", draft_days_before=7,
                         sent=[])
    db.session.add_all([meeting, later])
    db.session.commit()
    return meeting.id, later.id


def test_the_draft_and_packs_are_prepared_and_the_links_emailed_once(app, world, smtp):
    meeting_id, later_id = world
    assert run_schedule(TODAY - timedelta(days=1)).drafts == []  # not yet its day

    result = run_schedule(TODAY)
    assert len(result.drafts) == 1 and result.sent == 2 and result.failed == 0
    report = db.session.get(BoardReport, result.drafts[0])
    assert report.status == "draft" and report.meeting_id == meeting_id and report.as_at_date == TODAY
    assert report.requested_by_name == "scheduled run"
    assert db.session.scalars(select(PackRun)).one().status == "done"

    to_bu = smtp.inbox.to("bu@example.org")
    assert len(to_bu) == 1 and "the draft is ready" in to_bu[0]["Subject"]
    assert f"/reports/{report.id}/commentary" in to_bu[0].get_content()
    to_lead = smtp.inbox.to("lead@police.example.org")
    assert len(to_lead) == 1 and "/agency-packs/mine" in to_lead[0].get_content()
    assert smtp.inbox.to("board@example.org") == []

    meeting = db.session.get(BoardMeeting, meeting_id)
    assert [(s["to"], s["what"], s["status"]) for s in meeting.sent] == [
        ("bu@example.org", "draft board report", "sent"),
        ("lead@police.example.org", "agency pack for West Midlands Police", "sent")]
    assert meeting.packs_sent_at is not None

    again = run_schedule(TODAY)  # the hourly run again: nothing twice
    assert again.drafts == [] and len(smtp.messages) == 2
    assert db.session.get(BoardMeeting, later_id).sent == []


def test_without_email_the_draft_is_still_prepared_and_the_record_says_so(app, world):
    result = run_schedule(TODAY)
    assert len(result.drafts) == 1 and result.not_sent == 2 and result.sent == 0
    meeting = db.session.get(BoardMeeting, world[0])
    assert {s["status"] for s in meeting.sent} == {"not sent"}


def test_the_command_runs_the_schedule(app, world, smtp):
    out = app.test_cli_runner().invoke(args=["prepare-board-papers", "--today", TODAY.isoformat()])
    assert out.exit_code == 0, out.output
    assert "1 draft(s) prepared; 2 email(s) sent" in out.output


def test_staff_add_meetings_and_see_what_was_sent(client, login_as, world, smtp):
    run_schedule(TODAY)
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/reports/meetings").get_data(as_text=True)
    assert "Draft board report to bu@example.org: sent" in page
    day = TODAY + timedelta(days=60)
    added = client.post("/reports/meetings", data={"meeting_date": [str(day.day), str(day.month), str(day.year)],
                                                   "title": "Extra board", "draft_days_before": "10"})
    assert added.status_code == 302
    assert db.session.scalar(select(BoardMeeting).where(BoardMeeting.title == "Extra board")).draft_date == \
        day - timedelta(days=10)


@pytest.mark.parametrize("fields, message", [
    ({"meeting_date": ["1", "1", "2020"]}, "The meeting date must be today or in the future"),
    ({"draft_days_before": "400"}, "Enter a number of days from 0 to 90"),
    ({"title": ""}, "Enter the name of the meeting"),
])
def test_bad_meeting_input_is_shown_and_kept(client, login_as, world, fields, message):
    login_as(Role.BUSINESS_UNIT)
    day = TODAY + timedelta(days=60)
    data = {"meeting_date": [str(day.day), str(day.month), str(day.year)], "title": "Extra board",
            "draft_days_before": "10"} | fields
    response = client.post("/reports/meetings", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_only_staff_see_meetings(client, login_as, world):
    login_as(Role.BOARD_MEMBER)
    assert client.get("/reports/meetings").status_code == 403
