"""Races beyond decisions end in a message: two people submitting, updating, closing, moving the date
of or editing one action at the same moment. Real concurrent requests (two threads, two clients): the
first holds its write until the second is under way. On SQLite the second waits for the write lock and
reads the action as the first left it; on PostgreSQL (`--db=postgres`) both read it as it was and the
version check stops the second at its write. Either way one change is kept, and the other person is
told, with what they typed still on the form: never a 500 or a bare 403."""

import html
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests import factories
from tracker.actions import services as action_services
from tracker.actions.models import Action, ActionStatus, ProgressUpdate
from tracker.extensions import db
from tracker.users.models import Role
from tracker.web.views import CHANGED_MEANWHILE

MOVED_ON = "Someone else changed this action while you were working on it"


@contextmanager
def second_at_the_write_lock(first_wrote: threading.Event, under_way: threading.Event):
    """Sets `under_way` when, after the first request wrote, the second (the test's own thread) asks
    SQLite for the write lock (BEGIN IMMEDIATE, tracker/__init__.py), where it then waits: on SQLite
    it never reaches the service before the first commits. Not on PostgreSQL (no such statement)."""
    def before_execute(conn, cursor, statement, parameters, context, executemany):
        second = threading.current_thread() is threading.main_thread()
        if statement == "BEGIN IMMEDIATE" and first_wrote.is_set() and second:
            under_way.set()

    event.listen(db.engine, "before_cursor_execute", before_execute)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", before_execute)


def _at_once(app, monkeypatch, verb: str, first, second):
    """Run `first()` in a thread, holding its write (the service `verb`, flushed, not yet committed)
    until `second()` is under way; returns both responses."""
    first_wrote, second_started = threading.Event(), threading.Event()  # started: at the service, or at the lock
    real = getattr(action_services, verb)

    def paced(*args, **kwargs):
        if first_wrote.is_set():
            second_started.set()
            return real(*args, **kwargs)
        result = real(*args, **kwargs)
        first_wrote.set()
        second_started.wait(timeout=2)  # SQLite: the second is blocked before it gets here, at the lock
        threading.Event().wait(0.5)  # let the second reach its write
        return result

    monkeypatch.setattr(action_services, verb, paced)
    responses = {}

    def run_first():
        with app.app_context():
            responses["first"] = first()

    thread = threading.Thread(target=run_first)
    with second_at_the_write_lock(first_wrote, second_started):
        thread.start()
        assert first_wrote.wait(timeout=20)
        responses["second"] = second()
        thread.join(timeout=30)
    return responses["first"], responses["second"]


def _told(response) -> bool:
    page = html.unescape(response.get_data(as_text=True))
    return MOVED_ON in page or CHANGED_MEANWHILE in page


@pytest.fixture
def two_leads(app, client, login_as):
    lead = factories.make_user(Role.AGENCY_LEAD)
    colleague = factories.make_user(Role.AGENCY_LEAD, agency=lead.agency)
    action = factories.make_action(owner=lead.agency, lead=lead, status="in_progress")
    factories.make_evidence(action, lead, kind="impact")
    db.session.commit()
    other = app.test_client()
    login_as(Role.AGENCY_LEAD, user=lead)
    login_as(Role.AGENCY_LEAD, user=colleague, client=other)
    return action, client, other


def test_an_update_posted_as_a_colleague_submits_is_told_the_action_moved_on(app, monkeypatch, two_leads, today):
    action, client, other = two_leads
    updates_before = db.session.query(ProgressUpdate).filter_by(action_id=action.id).count()
    first, second = _at_once(
        app, monkeypatch, "submit_for_assurance",
        lambda: client.post(f"/actions/{action.id}/submit", data={"note": "All done."}),
        lambda: other.post(f"/actions/{action.id}/update",
                           data={"proposed_rating": "amber", "narrative": "Staff away.",
                                 "update_date": [str(today.day), str(today.month), str(today.year)]}))
    assert first.status_code == 302
    assert second.status_code == 422 and _told(second)
    assert "Staff away." in second.get_data(as_text=True)  # what was typed is still there
    assert db.session.get(Action, action.id).status == ActionStatus.SUBMITTED
    assert db.session.query(ProgressUpdate).filter_by(action_id=action.id).count() == updates_before


def test_two_leads_submitting_at_once_one_submits_the_other_is_told(app, monkeypatch, two_leads):
    action, client, other = two_leads
    first, second = _at_once(
        app, monkeypatch, "submit_for_assurance",
        lambda: client.post(f"/actions/{action.id}/submit", data={"note": "Mine."}),
        lambda: other.post(f"/actions/{action.id}/submit", data={"note": "Theirs."}))
    assert first.status_code == 302
    assert second.status_code == 422 and _told(second)
    assert db.session.get(Action, action.id).status == ActionStatus.SUBMITTED


def test_a_due_date_moved_as_the_action_is_closed_is_told(app, client, login_as, monkeypatch, today):
    action = factories.make_action(status="open")
    db.session.commit()
    due = action.due_date
    other = app.test_client()
    login_as(Role.BUSINESS_UNIT)
    login_as(Role.BUSINESS_UNIT, client=other)
    first, second = _at_once(
        app, monkeypatch, "close_action",
        lambda: client.post(f"/actions/{action.id}/close", data={"status": "withdrawn", "reason": "Not needed."}),
        lambda: other.post(f"/actions/{action.id}/due-date",
                           data={"due_date": [str(today.day), str(today.month), str(today.year + 1)],
                                 "reason": "Staff away."}))
    assert first.status_code == 302
    assert second.status_code == 422 and _told(second)
    reloaded = db.session.get(Action, action.id)
    assert (reloaded.status, reloaded.due_date) == (ActionStatus.WITHDRAWN, due)


def test_two_officers_editing_at_once_the_second_gets_the_conflict_page(app, client, login_as, monkeypatch):
    action = factories.make_action(status="open")
    db.session.commit()
    other = app.test_client()
    login_as(Role.BUSINESS_UNIT)
    login_as(Role.BUSINESS_UNIT, client=other)
    version = str(action.version)

    def form(description):
        return {"description": description, "owner_agency_id": str(action.owner_agency_id), "lead_id": "",
                "success_measure": "Audit", "version": version}

    first, second = _at_once(
        app, monkeypatch, "edit_action",
        lambda: client.post(f"/actions/{action.id}/edit", data=form("First officer's words.")),
        lambda: other.post(f"/actions/{action.id}/edit", data=form("Second officer's words.")))
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Second officer&#39;s words." in second.get_data(as_text=True) \
        or "Second officer's words." in second.get_data(as_text=True)
    assert db.session.get(Action, action.id).description == "First officer's words."
