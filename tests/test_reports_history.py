"""The as-at history's SQL form (`load_states`, `load_statuses`) against its Python reference
(`action_state_at` over `load_history`), on many generated histories and days: the report reads the
SQL form, so the two must never drift apart."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tracker.actions.models import (
    UNRATED_STATUSES,
    Action,
    ActionStatus,
    DueDateChange,
    ProgressUpdate,
    StatusChange,
)
from tracker.actions.services import ALLOWED_MOVES
from tracker.extensions import db
from tracker.reports.data.history import (
    ActionFacts,
    _uk_day,
    load_history,
    load_states,
    load_statuses,
    uk_date,
    utc_moment,
)
from tracker.reports.data.reading import StoredDays, driver_rows
from tracker.users.models import Role

FIRST = date(2024, 1, 1)
#: Around both clock changes of 2024 and 2025, across year ends, and days before and after everything.
DAYS = [FIRST - timedelta(days=3), *(FIRST + timedelta(days=n) for n in range(0, 760, 23)),
        date(2024, 3, 30), date(2024, 3, 31), date(2024, 10, 26), date(2024, 10, 27), date(2025, 3, 30),
        date(2025, 10, 25), date(2025, 10, 26), date(2027, 1, 1)]


def moment(rng: random.Random, day: date) -> datetime:
    """A time on `day`, often near midnight, when a UTC timestamp can fall on the next UK day."""
    hour = rng.choice([0, 0, 1, 12, 22, 23, 23])
    return datetime.combine(day, time(hour, rng.choice([0, 0, 30, 59]), rng.choice([0, 59])), tzinfo=UTC)


def generated_action(rng: random.Random, rec, owner, lead) -> None:
    """A random history through the allowed moves: same-moment changes, moved dates, updates withdrawn
    later, and now and then no recorded status change at all (a row trusted from its creation)."""
    start = FIRST + timedelta(days=rng.randrange(500))
    due = start + timedelta(days=rng.randrange(10, 300))
    created = moment(rng, start)
    action = Action(recommendation=rec, review_id=rec.review_id, description="Generated", owner_agency=owner,
                    lead=lead, original_due_date=due, due_date=due, status=ActionStatus.DRAFT,
                    opened_date=rng.choice([None, start + timedelta(days=rng.randrange(30))]),
                    success_measure="Audit", created_at=created)
    db.session.add(action)
    if rng.random() < 0.15:  # no recorded history
        action.status = rng.choice(list(ActionStatus))
        action.submitted_at = action.assured_at = created
    else:
        at, status = created, None
        for _ in range(rng.randrange(1, 12)):
            targets = [ActionStatus.DRAFT] if status is None else [
                to for (src, to) in ALLOWED_MOVES if src == status]
            if not targets:
                break
            if rng.random() < 0.85:  # mostly on through the work, so that some are reopened
                targets = [to for to in targets if to not in UNRATED_STATUSES] or targets
            move_to = rng.choice(targets)
            if rng.random() > 0.15:  # else the same moment as the change before
                at = moment(rng, at.date() + timedelta(days=rng.randrange(0, 60)))
            db.session.add(StatusChange(action=action, from_status=status, to_status=move_to, changed_at=at))
            status = action.status = move_to
            if move_to == ActionStatus.SUBMITTED:
                action.submitted_at = at
            if move_to == ActionStatus.ASSURED:
                action.assured_at, action.assured_date = at, at.date()
    at, old = created, due
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        if rng.random() > 0.2:
            at = moment(rng, at.date() + timedelta(days=rng.randrange(0, 90)))
        new = old + timedelta(days=rng.randrange(-20, 120))
        db.session.add(DueDateChange(action=action, old_date=old, new_date=new, reason="Moved", changed_at=at))
        old = action.due_date = new
    for n in range(rng.choice([0, 1, 2, 4, 6])):
        day = start + timedelta(days=rng.randrange(0, 400))
        withdrawn = moment(rng, day + timedelta(days=rng.randrange(0, 40))) if rng.random() < 0.2 else None
        db.session.add(ProgressUpdate(action=action, update_date=day, narrative=f"Update {n}",
                                      proposed_rating=rng.choice(["red", "amber", "green"]),
                                      created_at=moment(rng, day), withdrawn_at=withdrawn))


@pytest.fixture
def generated(app):
    rng = random.Random(17)
    owner = factories.make_agency()
    lead = factories.make_user(Role.AGENCY_LEAD, agency=owner, name="Jo Bennett")
    recs = [factories.make_recommendation(factories.make_review(), addressees=[owner]) for _ in range(3)]
    for _ in range(150):
        generated_action(rng, rng.choice(recs), owner, rng.choice([lead, None]))
    db.session.commit()
    return select(Action.id)


def reference(actions, day: date) -> dict:
    """Each action at the end of `day` by the Python rule, with its latest update known then."""
    history = load_history(actions, day)
    states = {}
    for row in db.session.execute(select(Action.id, Action.original_due_date, Action.due_date, Action.status,
                                         Action.opened_date, Action.created_at)):
        state = history.state_at(ActionFacts(*row), day)
        if state is not None:
            updates = history.updates[row.id]
            states[row.id] = (state, updates[-1] if updates else None)
    return states


def test_the_sql_states_are_the_python_rule_on_every_day(generated):
    seen = set()
    for day in DAYS:
        expected = reference(generated, day)
        got = {i: (s.state, s.latest_update) for i, s in load_states(generated, day).items()}
        assert got == expected, day
        assert {i: tuple(s) for i, s in load_statuses(generated, day).items()} == {
            i: (state.status, state.due_date) for i, (state, _) in expected.items()}, day
        seen.update((state.status, state.reopened_date is not None, update is not None)
                    for state, update in expected.values())
    # the generated histories reach every status, reopened actions, and actions with and without updates
    assert {status for status, _, _ in seen} == set(ActionStatus)
    assert (ActionStatus.IN_PROGRESS, True, True) in seen and (ActionStatus.OPEN, False, False) in seen


@pytest.mark.parametrize("stored", ["2025-03-29 23:59:59.999999", "2025-03-30 00:30:00.000000",
                                    "2025-03-30 01:00:00.000000", "2025-06-01 22:59:59.999999",
                                    "2025-06-01 23:00:00.000000", "2025-10-25 23:00:00.000000",
                                    "2025-10-26 00:59:59.999999", "2025-10-26 01:00:00.000000",
                                    "2025-12-31 23:59:59.999999"])
def test_a_stored_timestamp_is_read_as_its_uk_day_either_way(stored):
    """SQLite's text, read by its hour, and PostgreSQL's aware datetime give the same UK day."""
    aware = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    assert _uk_day(stored) == _uk_day(aware) == uk_date(aware)
    assert _uk_day(None) is None


def test_stored_values_are_made_what_their_column_types_make_them(app):
    """The report reads its biggest results as the driver gives them (`driver_rows`): SQLite's text,
    PostgreSQL's dates and datetimes; `StoredDays` and `utc_moment` make either what the column types
    would have made."""
    days = StoredDays()
    assert days["2025-03-30"] == date(2025, 3, 30) and days[date(2025, 3, 30)] == date(2025, 3, 30)
    assert days[None] is None and days["2025-03-30"] is days["2025-03-30"]
    aware = datetime(2025, 3, 30, 1, 0, tzinfo=UTC)
    assert utc_moment("2025-03-30 01:00:00.000000") == aware and utc_moment(aware) is aware
    assert utc_moment("2025-03-30 01:00:00.000000").tzinfo is not None


def test_driver_rows_are_the_statements_rows_unprocessed(generated):
    query = select(Action.id, Action.due_date, Action.created_at).where(Action.id.in_(generated)).order_by(Action.id)
    days = StoredDays()
    rows = [(action_id, days[due], utc_moment(created)) for action_id, due, created in driver_rows(query)]
    assert rows == [tuple(row) for row in db.session.execute(query)] and len(rows) == 150
