"""The BRAG rule at each threshold (the day before, on, and after), and its SQL twin agreeing."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.factories import TODAY, make_action, make_user
from tracker.actions.models import WORKING_STATUSES, Action, ActionStatus, Rating
from tracker.actions.queries import ActionFilters, actions_query, count_actions, live_counts, rating_counts
from tracker.actions.ratings import rate, rating_condition, rating_days, rating_expression
from tracker.extensions import db
from tracker.settings import Settings
from tracker.users.models import Role

SETTINGS = Settings(at_risk_days=28, stale_update_days=90)


def _action(status="in_progress", due=TODAY + timedelta(days=200), last_update=TODAY - timedelta(days=5),
            proposed="green", opened=TODAY - timedelta(days=100), **extra):
    values = dict(status=status, due_date=due, last_update_date=last_update, last_proposed_rating=proposed,
                  opened_date=opened, assured_date=None, submitted_at=None)
    values.update(extra)
    return SimpleNamespace(**values)


@pytest.mark.parametrize("days_past_due, expected", [(-1, Rating.AMBER), (0, Rating.AMBER), (1, Rating.RED)])
def test_overdue_boundary(days_past_due, expected):
    result = rate(_action(due=TODAY - timedelta(days=days_past_due)), TODAY, SETTINGS)
    assert result.rating is expected


def test_overdue_reason_names_the_date_and_days():
    result = rate(_action(due=date(2025, 3, 3)), date(2025, 4, 13), SETTINGS)
    assert result.reason == "Red: due 3 March 2025, 41 days ago"


def test_overdue_reason_mentions_a_stale_update():
    result = rate(_action(due=date(2025, 3, 3), last_update=date(2025, 1, 2)), date(2025, 4, 13), SETTINGS)
    assert result.reason == "Red: due 3 March 2025, 41 days ago, no update since 2 January 2025"


@pytest.mark.parametrize("days_to_due, expected", [(27, Rating.AMBER), (28, Rating.AMBER), (29, Rating.GREEN)])
def test_at_risk_window_boundary(days_to_due, expected):
    assert rate(_action(due=TODAY + timedelta(days=days_to_due)), TODAY, SETTINGS).rating is expected


@pytest.mark.parametrize("days_since, expected", [(89, Rating.GREEN), (90, Rating.GREEN), (91, Rating.AMBER)])
def test_longest_time_without_an_update_boundary(days_since, expected):
    result = rate(_action(last_update=TODAY - timedelta(days=days_since)), TODAY, SETTINGS)
    assert result.rating is expected
    if expected is Rating.AMBER:
        assert "no update since" in result.reason


def test_never_updated_counts_from_the_day_it_opened():
    assert rate(_action(last_update=None, proposed=None, opened=TODAY - timedelta(days=91)), TODAY,
                SETTINGS).rating is Rating.AMBER
    assert rate(_action(last_update=None, proposed=None, opened=TODAY - timedelta(days=90)), TODAY,
                SETTINGS).rating is Rating.GREEN


def test_the_thresholds_are_settings():
    action = _action(due=TODAY + timedelta(days=40))
    assert rate(action, TODAY, SETTINGS).rating is Rating.GREEN
    assert rate(action, TODAY, Settings(at_risk_days=45)).rating is Rating.AMBER


@pytest.mark.parametrize("proposed, expected", [("red", Rating.RED), ("amber", Rating.AMBER), ("green", Rating.GREEN)])
def test_the_leads_own_rating_counts(proposed, expected):
    assert rate(_action(proposed=proposed), TODAY, SETTINGS).rating is expected


@pytest.mark.parametrize("status, expected", [
    ("assured", Rating.BLUE), ("submitted", Rating.GREEN), ("draft", Rating.NONE), ("withdrawn", Rating.NONE),
    ("superseded", Rating.NONE),
])
def test_status_decides_first(status, expected):
    action = _action(status=status, due=TODAY - timedelta(days=100), submitted_at=None)
    assert rate(action, TODAY, SETTINGS).rating is expected


def test_labels_come_from_the_partnership_settings():
    labels = {"blue": "Complete", "red": "Overdue", "amber": "At risk", "green": "On track", "none": "n/a"}
    result = rate(_action(due=date(2025, 3, 3)), date(2025, 4, 13), Settings(labels=labels))
    assert result.reason.startswith("Overdue: due 3 March 2025")


def _every_combination(rec_action) -> int:
    """Actions beside `rec_action` for every combination of status, due date, update age and proposed
    rating; how many."""
    combos = []
    for status in ("open", "in_progress", "submitted", "assured", "draft", "withdrawn"):
        for due_offset in (-1, 0, 1, 27, 28, 29, 200):
            for update_age in (None, 89, 90, 91):
                for proposed in (None, "green", "amber", "red"):
                    if (update_age is None) != (proposed is None):
                        continue
                    combos.append((status, due_offset, update_age, proposed))
    for status, due_offset, update_age, proposed in combos:
        db.session.add(Action(
            recommendation_id=rec_action.recommendation_id, review_id=rec_action.review_id, description="x",
            owner_agency_id=rec_action.owner_agency_id, original_due_date=TODAY,
            due_date=TODAY + timedelta(days=due_offset), status=status, opened_date=TODAY - timedelta(days=95),
            last_update_date=None if update_age is None else TODAY - timedelta(days=update_age),
            last_proposed_rating=proposed,
            submitted_at=rec_action.created_at if status == "submitted" else None,
            assured_at=rec_action.created_at if status == "assured" else None,
        ))
    db.session.flush()
    return len(combos)


def test_sql_rule_agrees_with_python_rule(app):
    """Every combination of status, due date, update age and proposed rating, rated both ways."""
    lead = make_user(Role.AGENCY_LEAD)
    staff = make_user(Role.BUSINESS_UNIT)
    rec_action = make_action(lead=lead, by=staff)
    combos = _every_combination(rec_action)
    days = rating_days(TODAY, SETTINGS)
    rows = db.session.execute(select(Action, rating_expression()), days).all()
    assert len(rows) == combos + 1
    disagreements = [(a.status, a.due_date, a.last_update_date, a.last_proposed_rating, sql)
                     for a, sql in rows if rate(a, TODAY, SETTINGS).value != sql]
    assert disagreements == []
    # The filters' plain conditions pick out exactly the actions of each rating.
    by_expression = {a.id: sql for a, sql in rows}
    for rating in ("red", "amber", "green", "blue", "none"):
        chosen = set(db.session.scalars(select(Action.id).where(rating_condition(rating)), days))
        assert chosen == {i for i, r in by_expression.items() if r == rating}, rating


def test_the_live_counts_are_the_totals_of_the_lists_they_stand_for(app):
    """The home page takes its lists' totals (waiting, overdue, due soon, an agency lead's open actions)
    and the rating summary from one grouped count: each equals the count of the list it stands for."""
    lead = make_user(Role.AGENCY_LEAD)
    staff = make_user(Role.BUSINESS_UNIT)
    _every_combination(make_action(lead=lead, by=staff))
    make_action(by=staff, status="in_progress", due_date=TODAY - timedelta(days=3))  # another agency's: not the lead's
    days = rating_days(TODAY, SETTINGS)
    for user in (staff, lead):
        live = live_counts(user, TODAY, SETTINGS)
        lists = {
            live.total_of(): ActionFilters(open_only=True),
            live.total_of((ActionStatus.SUBMITTED,)): ActionFilters(status=ActionStatus.SUBMITTED),
            live.total_of(WORKING_STATUSES, "red"): ActionFilters(rating="red", statuses=WORKING_STATUSES),
            live.total_of(WORKING_STATUSES, "amber"): ActionFilters(rating="amber", statuses=WORKING_STATUSES),
        }
        assert len(lists) == 4  # four different totals: a mix-up between them would show
        for total, filters in lists.items():
            assert total == count_actions(actions_query(user, filters), days), (user.role, filters)
        counts = rating_counts(user, live)
        for rating in ("red", "amber", "green", "blue"):
            assert counts[rating] == count_actions(actions_query(user, ActionFilters(rating=rating)), days)
