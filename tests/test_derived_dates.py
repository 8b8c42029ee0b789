"""Every derived date is worked out again when a date it depends on is corrected: the statutory
clocks of a review, the formal-response deadline and the responses owed in the reminders, an action's
place among the overdue and due-soon reminders and in the weekly summary, after a due-date move and
after a granted request. The response deadline itself: tests/test_dates.py."""

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import TODAY, make_action, make_agency, make_recommendation, make_user
from tests.test_dates import _review_form
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.recommendations.services import outstanding_responses
from tracker.reminders.services import DigestContext, at_risk_section, overdue_section, responses_owed_section, \
    weekly_summary
from tracker.reviews.milestones import milestones
from tracker.reviews.models import Review
from tracker.settings import load_settings
from tracker.users.models import Role


def _edit(client, review: Review, **dates) -> None:
    db.session.refresh(review)
    shown = review.response_deadline
    response = client.post(f"/reviews/{review.id}/edit", data=_review_form(
        version=str(review.version), response_deadline=[str(shown.day), str(shown.month), str(shown.year)],
        **dates))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.refresh(review)


def _new_review(client, **dates) -> Review:
    assert client.post("/reviews/new", data=_review_form(**dates)).status_code == 302
    return db.session.scalar(select(Review).where(Review.reference == "CSPR-DT"))


def _context() -> DigestContext:
    return DigestContext(today=TODAY, settings=load_settings())


def _ids(sections: dict) -> set[int]:
    return {item.action_id for section in sections.values() for item in section.items}


def _weekly(ctx: DigestContext) -> set[int]:
    return {item.action_id for agency in weekly_summary(ctx) for item in agency.items}


def test_correcting_the_decision_date_moves_the_publication_clock(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    review = _new_review(client, decision_date=["1", "10", "2024"])
    [publish] = [m for m in milestones(review, TODAY) if m.name == "Publish the report"]
    assert (publish.due_date, publish.state) == (date(2025, 4, 1), "done_late")
    assert "after it was due on 1 April 2025" in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    _edit(client, review, decision_date=["1", "12", "2024"])
    [publish] = [m for m in milestones(review, TODAY) if m.name == "Publish the report"]
    assert (publish.due_date, publish.state) == (date(2025, 6, 1), "done")
    assert "1 April 2025" not in client.get(f"/reviews/{review.id}").get_data(as_text=True)


def test_correcting_the_published_date_moves_the_responses_owed(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    review = _new_review(client, published_date=["1", "4", "2025"])
    agency = make_agency()
    lead = make_user(Role.AGENCY_LEAD, agency=agency)
    make_recommendation(review, addressees=[agency])
    db.session.commit()
    [owed] = outstanding_responses(db.session, TODAY)[agency.id]
    assert (owed.deadline, owed.overdue) == (date(2025, 4, 29), True)
    assert lead.id in responses_owed_section(_context())
    _edit(client, review, published_date=["20", "5", "2025"])
    assert review.response_deadline == date(2025, 6, 17)
    [owed] = outstanding_responses(db.session, TODAY)[agency.id]
    assert (owed.deadline, owed.overdue) == (date(2025, 6, 17), False)
    [item] = responses_owed_section(_context())[lead.id].items
    assert item.due_date == date(2025, 6, 17) and item.note == "Response due by 17 June 2025"


def test_moving_a_due_date_moves_the_action_between_the_reminders(app):
    by = make_user(Role.BUSINESS_UNIT)
    action = make_action(status="in_progress", lead=make_user(Role.AGENCY_LEAD),
                         due_date=TODAY - timedelta(days=5))
    db.session.commit()
    assert action.id in _ids(overdue_section(_context()))
    assert action.id in _weekly(_context())
    actions.move_due_date(action, TODAY + timedelta(days=3), "Evidence arrives this week", by, TODAY)
    db.session.commit()
    assert action.id not in _ids(overdue_section(_context()))
    [item] = [i for s in at_risk_section(_context()).values() for i in s.items if i.action_id == action.id]
    assert item.due_date == TODAY + timedelta(days=3) and item.note.startswith("Due 5 June 2025")
    assert action.id not in _weekly(_context())
    actions.move_due_date(action, TODAY + timedelta(days=200), "Waiting for the new system", by, TODAY)
    db.session.commit()
    assert action.id not in _ids(at_risk_section(_context())) | _ids(overdue_section(_context()))


def test_a_granted_due_date_request_takes_the_action_out_of_the_overdue_reminders(app):
    by = make_user(Role.BUSINESS_UNIT)
    action = make_action(status="in_progress", lead=make_user(Role.AGENCY_LEAD),
                         due_date=TODAY - timedelta(days=2))
    request = actions.request_due_date(action, TODAY + timedelta(days=60), "Trainer off sick", action.lead, TODAY)
    db.session.commit()
    assert action.id in _ids(overdue_section(_context()))  # asked, not yet granted
    actions.approve_due_date_request(request, by)
    db.session.commit()
    assert action.due_date == TODAY + timedelta(days=60)
    assert action.id not in _ids(overdue_section(_context())) | _ids(at_risk_section(_context()))
