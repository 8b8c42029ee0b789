"""One timeline per action: every kind of record, newest first, with who; a fixed number of queries;
withdrawn entries left out; the same permission as the action page."""

from datetime import timedelta

from tests.factories import TODAY, make_action, make_agency, make_evidence, make_user
from tests.test_query_counts import counting
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.timeline.services import action_timeline
from tracker.users.models import Role
from tracker.withdrawals.services import withdraw


def _world():
    police = make_agency("Dudley Police", "POL")
    staff = make_user(Role.BUSINESS_UNIT, name="Bea Unit")
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    action = make_action(owner=police, lead=pat, by=staff, description="POLICE action")
    db.session.commit()
    return police, staff, pat, action


def _add_history(action, staff, pat, n):
    for i in range(n):
        actions.record_progress(action, by=pat, narrative=f"News {i}.", proposed_rating="green",
                                update_date=TODAY - timedelta(days=n - i), today=TODAY)
        make_evidence(action, pat)
        actions.move_due_date(action, action.due_date + timedelta(days=1), f"Reason {i}", staff)
    db.session.commit()


def test_every_kind_of_record_newest_first_with_who(app, client, login_as):
    police, staff, pat, action = _world()
    _add_history(action, staff, pat, 1)
    mistake = actions.record_progress(action, by=pat, narrative="MISTAKE", proposed_rating="red", update_date=TODAY,
                                      today=TODAY)
    withdraw(action, mistake, by=staff, reason="Wrong action")
    db.session.commit()
    entries, more = action_timeline(action.id, staff)
    kinds = {e.kind for e in entries}
    assert {"update", "evidence", "status", "due_date"} <= kinds and not more
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert ("update", "Pat Police", "News 0.") in {(e.kind, e.who, e.text) for e in entries}
    assert ("due_date", "Bea Unit", "Reason 0") in {(e.kind, e.who, e.text) for e in entries}
    assert "MISTAKE" not in {e.text for e in entries}
    login_as(Role.AGENCY_LEAD, user=pat)
    page = client.get(f"/actions/{action.id}/timeline").get_data(as_text=True)
    assert "News 0." in page and "Reason 0" in page and "MISTAKE" not in page
    assert f"/actions/{action.id}/timeline" in client.get(f"/actions/{action.id}").get_data(as_text=True)


def test_the_timeline_runs_the_same_queries_for_a_short_or_long_history(app):
    police, staff, pat, action = _world()
    counts = []
    for n in (1, 6):
        _add_history(action, staff, pat, n)
        db.session.expire_all()
        with counting() as statements:
            action_timeline(action.id, staff)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_timeline_is_bounded(app):
    police, staff, pat, action = _world()
    _add_history(action, staff, pat, 4)
    entries, more = action_timeline(action.id, staff, limit=5)
    assert len(entries) == 5 and more


def test_another_agency_cannot_read_the_timeline(client, login_as):
    police, staff, pat, action = _world()
    login_as(Role.AGENCY_LEAD, agency=make_agency())
    assert client.get(f"/actions/{action.id}/timeline").status_code == 404
