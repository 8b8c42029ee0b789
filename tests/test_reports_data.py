"""The report's data builder, without WeasyPrint: ratings as at past dates from the recorded history,
exact counts, and a fixed number of queries whatever the size of the data."""

import gc
from datetime import UTC, date, datetime, time

import pytest

from tests import factories
from tests.report_builders import data_at, report_queries
from tracker.actions.models import Action, DueDateChange, ProgressUpdate, StatusChange
from tracker.challenges.services import raise_challenge
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.reports.data import (
    ActionFacts, DueMove, StatusMove, UpdateRecord, action_state_at, resolve_scope,
)
from tracker.core.errors import DomainError
from tracker.reports.data import report
from tracker.settings import Settings
from tracker.users.models import Role

SETTINGS = Settings()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def history_action(rec, owner, lead, *, opened: date | None, due: date, status_path: list[tuple[str, date]],
                   updates=(), due_moves=(), evidence=()) -> Action:
    """An action whose whole history is written with explicit dates (the services stamp 'now')."""
    final = status_path[-1][0]
    action = Action(recommendation=rec, review_id=rec.review_id, description=f"Action ending {final}",
                    owner_agency=owner, lead=lead, original_due_date=due, due_date=due, status=final,
                    opened_date=opened, success_measure="Audit", created_at=at(status_path[0][1], 8))
    db.session.add(action)
    previous = None
    for status, day in status_path:
        db.session.add(StatusChange(action=action, from_status=previous, to_status=status, changed_at=at(day)))
        previous = status
        if status == "submitted":
            action.submitted_at = at(day)
        if status == "assured":
            action.assured_at, action.assured_date = at(day), day
    for old, new, day in due_moves:
        db.session.add(DueDateChange(action=action, old_date=old, new_date=new, reason="Staff shortage",
                                     changed_at=at(day)))
        action.due_date = new
    for day, rating, text in updates:
        db.session.add(ProgressUpdate(action=action, update_date=day, proposed_rating=rating, narrative=text,
                                      created_at=at(day, 14)))
        action.last_update_date, action.last_proposed_rating = day, rating
    for kind, title, day in evidence:
        db.session.add(Evidence(action=action, kind=kind, title=title, link_url="https://example.org/e",
                                effective_date=day, created_at=at(day)))
    db.session.flush()
    return action


@pytest.fixture
def story(app):
    """Three actions whose stories cross the as-at dates the tests use."""
    owner = factories.make_agency("Black Country Healthcare", "BCH")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=owner, name="Jo Bennett")
    review = factories.make_review("CSPR-2025-01", title="Child Q")
    rec = factories.make_recommendation(review, "1", addressees=[owner])
    rec2 = factories.make_recommendation(review, "2", addressees=[owner])
    a = history_action(
        rec, owner, lead, opened=date(2025, 1, 10), due=date(2025, 4, 30),
        status_path=[("draft", date(2025, 1, 10)), ("open", date(2025, 1, 10)), ("in_progress", date(2025, 2, 1)),
                     ("submitted", date(2025, 7, 20)), ("assured", date(2025, 8, 10))],
        updates=[(date(2025, 2, 1), "green", "Under way."), (date(2025, 5, 15), "amber", "Two sessions cancelled.")],
        due_moves=[(date(2025, 4, 30), date(2025, 7, 31), date(2025, 4, 20))],
        evidence=[("impact", "Audit: genograms in 85% of files", date(2025, 7, 15))])
    b = history_action(
        rec, owner, lead, opened=date(2025, 1, 10), due=date(2025, 3, 31),
        status_path=[("draft", date(2025, 1, 10)), ("open", date(2025, 1, 10)), ("withdrawn", date(2025, 6, 15))])
    c = history_action(rec2, owner, None, opened=None, due=date(2025, 12, 1),
                       status_path=[("draft", date(2025, 5, 1))])
    db.session.commit()
    return {"a": a.id, "b": b.id, "c": c.id}


def ratings(data) -> dict[int, tuple[str, str]]:
    return {line.id: (line.rating, line.reason) for line in data.actions}


def test_ratings_are_those_of_the_as_at_date_not_of_today(story):
    a, b, c = story["a"], story["b"], story["c"]
    assert ratings(data_at(date(2025, 1, 5))) == {}  # nothing existed yet
    assert ratings(data_at(date(2025, 3, 1))) == {
        a: ("green", "Green: on track, due 30 April 2025"),
        b: ("green", "Green: on track, due 31 March 2025"),
    }
    assert ratings(data_at(date(2025, 4, 15))) == {
        a: ("amber", "Amber: due in 15 days (30 April 2025)"),
        b: ("red", "Red: due 31 March 2025, 15 days ago, no update since 10 January 2025"),
    }
    # The due date moved on 20 April, so A is not overdue on 1 May; the draft C now exists.
    assert ratings(data_at(date(2025, 5, 1))) == {
        a: ("green", "Green: on track, due 31 July 2025"),
        b: ("red", "Red: due 31 March 2025, 31 days ago, no update since 10 January 2025"),
        c: ("none", "Not rated: draft"),
    }
    assert ratings(data_at(date(2025, 6, 1))) == {
        a: ("amber", "Amber: the lead reported it at risk on 15 May 2025"),
        b: ("red", "Red: due 31 March 2025, 62 days ago, no update since 10 January 2025"),
        c: ("none", "Not rated: draft"),
    }
    later = ratings(data_at(date(2025, 7, 25)))
    assert later[a] == ("green", "Green: submitted on 20 July 2025, awaiting assurance")
    assert later[b] == ("none", "Not rated: withdrawn")
    assert ratings(data_at(date(2025, 9, 1)))[a] == ("blue", "Blue: assured on 10 August 2025 with evidence of impact")


def test_exact_counts_and_exceptions_for_a_fixed_date(story):
    data = data_at(date(2025, 6, 1))
    assert data.counts == {"red": 1, "amber": 1, "green": 0, "blue": 0, "none": 1}
    assert [row.label for row in data.by_agency] == ["Black Country Healthcare"]
    assert data.by_agency[0].counts == data.counts and data.by_agency[0].overdue == 1
    assert data.period_start == date(2025, 3, 1) and data.previous_report_date is None
    assert [line.id for line in data.overdue] == [story["b"]]
    assert [line.id for line in data.newly_overdue] == [story["b"]]
    assert [line.id for line in data.red_and_amber] == [story["b"], story["a"]]
    assert [(m.action.id, m.move.new_date, m.move.reason) for m in data.due_dates_moved] == [
        (story["a"], date(2025, 7, 31), "Staff shortage")]
    a = next(line for line in data.actions if line.id == story["a"])
    assert a.latest_update.narrative == "Two sessions cancelled." and a.impact_evidence == []
    assert a.lead == "Jo Bennett" and a.due_date == date(2025, 7, 31) and a.original_due_date == date(2025, 4, 30)
    assert [r.number for r in data.unanswered] == ["1", "2"]
    assert [(s.reference, [r.number for r in s.recommendations]) for s in data.reviews] == [("CSPR-2025-01", ["1", "2"])]
    assert sorted(line.id for line in data.open_actions) == sorted([story["a"], story["b"]])


def test_assured_in_the_period_uses_the_previous_archived_report(story):
    factories.make_board_report(b"%PDF", as_at=date(2025, 6, 1),
                                rating_counts={"red": 1, "amber": 1, "green": 0, "blue": 0})
    db.session.commit()
    data = data_at(date(2025, 9, 1))
    assert data.previous_report_date == date(2025, 6, 1) and data.period_start == date(2025, 6, 1)
    assert [line.id for line in data.newly_assured] == [story["a"]]
    assert [e.title for e in data.newly_assured[0].impact_evidence] == ["Audit: genograms in 85% of files"]
    assert [(p.as_at, p.counts["red"]) for p in data.history] == [(date(2025, 6, 1), 1), (date(2025, 9, 1), 0)]


def test_filters_narrow_the_report_and_unknown_names_are_refused(story):
    other = factories.make_agency("West Midlands Police", "WMP")
    factories.make_action(owner=other)
    db.session.commit()
    assert len(data_at(date(2025, 6, 1)).actions) == 3
    assert {line.owner for line in data_at(date(2025, 6, 1), agency="bch").actions} == {"Black Country Healthcare"}
    assert {line.review_reference for line in data_at(date(2025, 6, 1), review="CSPR-2025-01").actions} == {
        "CSPR-2025-01"}
    with pytest.raises(DomainError, match="no agency called Nowhere"):
        resolve_scope(date(2025, 6, 1), agency="Nowhere")
    with pytest.raises(DomainError, match="no review"):
        resolve_scope(date(2025, 6, 1), review="XX-1")


def test_data_gathering_takes_a_fixed_number_of_queries(story):
    small = report_queries(date(2025, 6, 1))
    owner = factories.make_agency()
    staff = factories.make_user(Role.BUSINESS_UNIT)
    for n in range(12):
        review = factories.make_review()
        rec = factories.make_recommendation(review, addressees=[owner])
        action = factories.make_action(owner=owner, recommendation=rec, by=staff,
                                       status=("open", "in_progress", "submitted", "assured")[n % 4])
        raise_challenge(action, agency=owner, by=staff, text="Show the audit.")
        raise_challenge(review, agency=owner, by=staff, text="Why so late?")
    db.session.commit()
    large = report_queries(date(2025, 6, 1))
    # eight for the actions and their history, one for scrutiny challenges, one for the latest update round,
    # four for the impact section (measures, measurements, reopenings, closures)
    assert small == large == 14


def test_action_state_at_reads_only_history_on_or_before_the_day():
    facts = ActionFacts(1, original_due_date=date(2025, 4, 30), due_date=date(2025, 9, 30), status="assured",
                        opened_date=date(2025, 1, 10), created_at=at(date(2025, 1, 10)))
    moves = [StatusMove(1, None, "open", "", at(date(2025, 1, 10))),
             StatusMove(1, "open", "in_progress", "", at(date(2025, 2, 1))),
             StatusMove(1, "in_progress", "submitted", "", at(date(2025, 5, 1))),
             StatusMove(1, "submitted", "in_progress", "Returned", at(date(2025, 5, 9))),
             StatusMove(1, "in_progress", "submitted", "", at(date(2025, 6, 1))),
             StatusMove(1, "submitted", "assured", "", at(date(2025, 6, 20)))]
    dues = [DueMove(1, date(2025, 4, 30), date(2025, 6, 30), "Late", at(date(2025, 4, 1))),
            DueMove(1, date(2025, 6, 30), date(2025, 9, 30), "Later", at(date(2025, 6, 5)))]
    updates = [UpdateRecord(1, 1, date(2025, 2, 1), "green", "", ""), UpdateRecord(2, 1, date(2025, 5, 20), "red", "", "")]
    assert action_state_at(facts, moves, dues, updates, date(2025, 1, 9)) is None
    march = action_state_at(facts, moves, dues, updates, date(2025, 3, 31))
    assert (march.status, march.due_date, march.last_update_date, march.opened_date) == (
        "in_progress", date(2025, 4, 30), date(2025, 2, 1), date(2025, 1, 10))
    returned = action_state_at(facts, moves, dues, updates, date(2025, 5, 25))
    assert (returned.status, returned.due_date, returned.last_proposed_rating, returned.submitted_at) == (
        "in_progress", date(2025, 6, 30), "red", None)
    resubmitted = action_state_at(facts, moves, dues, updates, date(2025, 6, 10))
    assert resubmitted.status == "submitted" and resubmitted.submitted_at == at(date(2025, 6, 1))
    assert resubmitted.due_date == date(2025, 9, 30)
    assert action_state_at(facts, moves, dues, updates, date(2025, 7, 1)).assured_date == date(2025, 6, 20)


def test_formal_responses_and_completed_late_as_at_the_day(story):
    """Each addressee's response counts from its date; a recommendation stays in "without a formal
    response" while any addressee has none, naming who. Action a was assured (10 August) after its
    original due date (30 April), though before the moved one: completed late."""
    from tracker.recommendations.models import Recommendation, RecommendationResponse

    rec = db.session.query(Recommendation).filter_by(number="1").one()
    health = factories.make_agency("Health Trust", "HT")
    rec.addressees.append(health)
    rec.review.published_date, rec.review.response_deadline = date(2025, 5, 1), date(2025, 5, 29)
    db.session.add(RecommendationResponse(recommendation=rec, agency=rec.addressees[0], response="partly_accepted",
                                          reasons="In part.", response_date=date(2025, 5, 20)))
    db.session.commit()
    before = data_at(date(2025, 5, 19))
    [first] = [r for r in before.unanswered if r.number == "1"]
    assert first.missing == ["Black Country Healthcare", "Health Trust"] and first.overdue is False
    after = data_at(date(2025, 9, 1))
    [first] = [r for r in after.unanswered if r.number == "1"]
    assert first.missing == ["Health Trust"] and first.deadline == date(2025, 5, 29) and first.overdue is True
    section = after.reviews[0].recommendations[0]
    assert section.responses == ["Black Country Healthcare: partly accepted on 20 May 2025"]
    assert section.missing_responses == ["Health Trust"]
    a = next(line for line in after.actions if line.id == story["a"])
    assert a.completed_late is True
    assert all(not line.completed_late for line in before.actions)


def test_the_garbage_collector_is_paused_only_while_gathering(story, monkeypatch):
    seen = []
    real = report.load_impact
    monkeypatch.setattr(report, "load_impact", lambda *args: seen.append(gc.isenabled()) or real(*args))
    assert gc.isenabled()
    data_at(date(2025, 6, 1))
    assert seen == [False] and gc.isenabled()

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(report, "load_impact", broken)
    with pytest.raises(RuntimeError):
        data_at(date(2025, 6, 1))
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left to them
    try:
        with report.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_rate_actions_gives_the_line_fields_in_their_order():
    """`rate_actions` makes its lines by position (keywords were three times slower)."""
    from dataclasses import fields

    from tracker.reports.data.actions import LINE_FIELDS, ActionLine

    assert tuple(f.name for f in fields(ActionLine)) == LINE_FIELDS
