"""Actions as they stood on a past day, rebuilt from their recorded history.

Every rating is worked out as at the report's date from the recorded history: the status from the
status changes made on or before that day, the due date from the due-date moves made on or before it,
and the latest progress update dated on or before it. The current columns of an action are never
trusted for a past date; `rate` is then applied to that reconstructed state, so a report for a past
date gives the ratings as they were on that date.

The rule exists twice, as the rating rule does: `action_state_at` over an action's history in Python
(the reference, and what `load_history` feeds), and `load_states`, its SQL twin, which asks the database
for the latest records made by the day, one query for every action in scope. The report uses the SQL
form (rebuilding twelve thousand actions from their 150,000 history rows in Python took over two
seconds); a test keeps the two in agreement.

The records are named tuples, not frozen dataclasses: a report makes some fifty thousand of them, and
a frozen dataclass is built field by field through `object.__setattr__`, two to three times slower."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    ScalarSelect,
    Select,
    and_,
    case,
    exists,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from tracker.actions.models import (
    CLOSED_STATUSES,
    WORKING_STATUSES,
    Action,
    ActionStatus,
    DueDateChange,
    ProgressUpdate,
    StatusChange,
)
from tracker.core.clock import LONDON
from tracker.core.models_base import as_utc
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.reports.data.reading import StoredDays, driver_rows, make_tuple, read
from tracker.reports.data.scope import InScope
from tracker.users.models import User


def uk_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


@lru_cache(maxsize=32768)
def _uk_day_of_hour(hour: str) -> date:
    """The UK day of a UTC hour written "YYYY-MM-DD HH": the clocks change on the hour, so the hour
    decides the day."""
    return uk_date(datetime.fromisoformat(hour).replace(tzinfo=UTC))


def _uk_day(stored: str | datetime | None) -> date | None:
    """The UK day of a timestamp as the database gives it: SQLite's text in UTC ("YYYY-MM-DD
    HH:MM:SS.ffffff"), looked up by its hour; PostgreSQL's aware datetime."""
    if stored is None:
        return None
    if isinstance(stored, str):
        return _uk_day_of_hour(stored[:13])
    return uk_date(stored)


def utc_moment(stored: str | datetime) -> datetime:
    """A UTC timestamp as the database gives it, made the aware datetime its column type
    (`UTCDateTime`) would give: SQLite's text in UTC, PostgreSQL's aware datetime."""
    return as_utc(datetime.fromisoformat(stored) if isinstance(stored, str) else stored)


def end_of(day: date) -> datetime:
    """The last moment of a UK day: `moment <= end_of(day)` is `uk_date(moment) <= day` in SQL."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


def known_on(withdrawn_at: datetime | None, as_at: date) -> bool:
    """A withdrawn update or evidence file still counts as at the days before its withdrawal: the
    history shows what was known then."""
    return withdrawn_at is None or uk_date(withdrawn_at) > as_at


class StatusMove(NamedTuple):
    action_id: int
    from_status: str | None
    to_status: str
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


class DueMove(NamedTuple):
    action_id: int
    old_date: date
    new_date: date
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


class UpdateRecord(NamedTuple):
    id: int
    action_id: int
    update_date: date
    proposed_rating: str
    narrative: str
    author: str
    round_id: int | None = None  # the update round it was given for


class EvidenceRecord(NamedTuple):
    action_id: int
    kind: str
    title: str
    effective_date: date


@dataclass(frozen=True)
class ActionFacts:
    """The columns of an action that do not change with time (or that history overrides)."""

    id: int
    original_due_date: date
    due_date: date
    status: str
    opened_date: date | None
    created_at: datetime


def is_overdue(status: str, due_date: date, day: date) -> bool:
    """Live work past its due date; submitted work waits on the business unit, not the agency."""
    return status in WORKING_STATUSES and day > due_date


class ActionState(NamedTuple):
    """An action as it stood at the end of a day: what `rate` reads."""

    status: str
    due_date: date
    last_update_date: date | None
    last_proposed_rating: str | None
    opened_date: date | None
    submitted_at: datetime | None
    assured_date: date | None
    #: The day an assured action was reopened, while it stays reopened (until assured again).
    reopened_date: date | None = None

    def is_overdue(self, day: date) -> bool:
        return is_overdue(self.status, self.due_date, day)


class StatusAt(NamedTuple):
    """An action's status and due date at the end of a day."""

    status: str
    due_date: date

    def is_overdue(self, day: date) -> bool:
        return is_overdue(self.status, self.due_date, day)


def action_state_at(action: ActionFacts, status_moves: list[StatusMove], due_moves: list[DueMove],
                    updates: list[UpdateRecord], as_at: date) -> ActionState | None:
    """The action at the end of `as_at` from its history, or None if it did not exist yet.

    Each list holds this action's records in the order they were made. Status: the last move made on or
    before the day. Due date: the original date with every move made on or before the day applied.
    Latest update: the one dated on or before the day (the latest recorded, if two share a date)."""
    moves = [m for m in status_moves if m.on <= as_at]
    if status_moves:
        if not moves:
            return None
        status = moves[-1].to_status
    else:  # no recorded history: trust the row from the day it was created
        if uk_date(action.created_at) > as_at:
            return None
        status = action.status
    due = action.original_due_date if due_moves else action.due_date
    for move in due_moves:
        if move.on <= as_at:
            due = move.new_date
    opened = next((m.on for m in moves if m.to_status == ActionStatus.OPEN), None)
    if opened is None and not status_moves and action.opened_date and action.opened_date <= as_at:
        opened = action.opened_date
    submitted_at = next((m.at for m in reversed(moves) if m.to_status == ActionStatus.SUBMITTED), None)
    assured = next((m.on for m in reversed(moves) if m.to_status == ActionStatus.ASSURED), None)
    reopened = None
    for move in moves:  # reopened: assured, then back in progress; assured again clears it
        if move.from_status == ActionStatus.ASSURED and move.to_status == ActionStatus.IN_PROGRESS:
            reopened = move.on
        elif move.to_status in CLOSED_STATUSES:
            reopened = None
    latest = None
    for update in updates:
        if update.update_date <= as_at and (latest is None or (update.update_date, update.id) >=
                                            (latest.update_date, latest.id)):
            latest = update
    return ActionState(
        status=status, due_date=due,
        last_update_date=latest.update_date if latest else None,
        last_proposed_rating=latest.proposed_rating if latest else None,
        opened_date=opened,
        submitted_at=submitted_at if status == ActionStatus.SUBMITTED else None,
        assured_date=assured if status == ActionStatus.ASSURED else None,
        reopened_date=reopened,
    )


@dataclass
class ActionHistory:
    """The recorded history of the actions in scope, by action id, each list in the order made."""

    status_moves: dict[int, list[StatusMove]] = field(default_factory=lambda: defaultdict(list))
    due_moves: dict[int, list[DueMove]] = field(default_factory=lambda: defaultdict(list))
    #: Progress updates dated on or before the as-at day, by date then id.
    updates: dict[int, list[UpdateRecord]] = field(default_factory=lambda: defaultdict(list))
    #: Evidence effective on or before the as-at day.
    evidence: dict[int, list[EvidenceRecord]] = field(default_factory=lambda: defaultdict(list))

    def state_at(self, action: ActionFacts, day: date) -> ActionState | None:
        return action_state_at(action, self.status_moves[action.id], self.due_moves[action.id],
                               self.updates[action.id], day)


def load_history(actions: Select, as_at: date) -> ActionHistory:
    """Four queries: status changes, due-date moves, progress updates and evidence of these actions."""
    history = ActionHistory()
    for row in read(
            select(StatusChange.action_id, StatusChange.from_status, StatusChange.to_status, StatusChange.reason,
                   StatusChange.changed_at)
            .where(StatusChange.action_id.in_(actions))
            .order_by(StatusChange.changed_at, StatusChange.id)):
        history.status_moves[row.action_id].append(StatusMove(row.action_id, row.from_status, row.to_status,
                                                              row.reason, row.changed_at))
    for row in read(
            select(DueDateChange.action_id, DueDateChange.old_date, DueDateChange.new_date, DueDateChange.reason,
                   DueDateChange.changed_at)
            .where(DueDateChange.action_id.in_(actions))
            .order_by(DueDateChange.changed_at, DueDateChange.id)):
        history.due_moves[row.action_id].append(DueMove(row.action_id, row.old_date, row.new_date, row.reason,
                                                        row.changed_at))
    for row in read(
            select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.update_date,
                   ProgressUpdate.proposed_rating, ProgressUpdate.narrative, User.name, ProgressUpdate.round_id,
                   ProgressUpdate.withdrawn_at)
            .outerjoin(User, User.id == ProgressUpdate.author_id)
            .where(ProgressUpdate.action_id.in_(actions), ProgressUpdate.update_date <= as_at)
            .order_by(ProgressUpdate.update_date, ProgressUpdate.id)):
        if not known_on(row.withdrawn_at, as_at):
            continue
        history.updates[row.action_id].append(UpdateRecord(row.id, row.action_id, row.update_date,
                                                           row.proposed_rating, row.narrative, row.name or "",
                                                           row.round_id))
    for row in read(
            select(Evidence.action_id, Evidence.kind, Evidence.title, Evidence.effective_date, Evidence.withdrawn_at)
            .where(Evidence.action_id.in_(actions), Evidence.effective_date <= as_at)
            .order_by(Evidence.effective_date, Evidence.id)):
        if not known_on(row.withdrawn_at, as_at):
            continue
        history.evidence[row.action_id].append(EvidenceRecord(row.action_id, row.kind, row.title,
                                                              row.effective_date))
    return history


def _first(query: Select, *order) -> ScalarSelect:
    """The first row of `query` in `order`, for each action of the enclosing query."""
    return query.order_by(*order).limit(1).correlate(Action).scalar_subquery()


def _last_move(end: datetime) -> ScalarSelect:
    """The id of the last status change made by `end`."""
    return _first(select(StatusChange.id).where(StatusChange.action_id == Action.id, StatusChange.changed_at <= end),
                  StatusChange.changed_at.desc(), StatusChange.id.desc())


def _due_date(end: datetime):
    """The date of the last due-date move made by `end`; the original date if every move came later;
    the action's own date if it never moved. Whether it ever moved is asked first: most actions never
    did, and for them that one look-up is all."""
    moved = _first(select(DueDateChange.new_date)
                   .where(DueDateChange.action_id == Action.id, DueDateChange.changed_at <= end),
                   DueDateChange.changed_at.desc(), DueDateChange.id.desc())
    ever_moved = exists().where(DueDateChange.action_id == Action.id)
    return case((ever_moved, func.coalesce(moved, Action.original_due_date)), else_=Action.due_date)


def _untracked_by(last_move: AliasedClass[StatusChange], end: datetime):
    """Whether the action's own row is what its state on the day rests on: it has no recorded status
    change at all (trusted from the day it was created) and was created by `end`. Asked in SQL, so that
    no creation time is read back and parsed for the twelve thousand actions of a report."""
    never_moved = ~exists().where(StatusChange.action_id == Action.id)
    return case((and_(last_move.id.is_(None), never_moved, Action.created_at <= end), True), else_=False)


class AsAt(NamedTuple):
    """An action as it stood at the end of a day, with the latest progress update known then."""

    state: ActionState
    latest_update: UpdateRecord | None


def _states_on(day: date, since: date | None = None) -> Select:
    """`action_state_at` in SQL: for every action, the columns `_as_at` reads (filtered by the caller);
    with `since`, then the status of `_status_on(since)` and its due date where that status is working.

    Each part of the state is the latest (or first) record made by the day, read by a correlated
    subquery through the history tables' (action, time) indexes. The last status change gives the
    status and, for a submitted or assured action, when; an action with no recorded status change
    trusts its own row from the day it was created. The rows are read as the driver gives them
    (`driver_rows`) and made the state by `_as_at`."""
    end = end_of(day)
    last = aliased(StatusChange, name="last_move")
    # in order, not min(): SQLite stops at the first, instead of reading every change made by the day
    first_opened = _first(select(StatusChange.changed_at)
                          .where(StatusChange.action_id == Action.id, StatusChange.changed_at <= end,
                                 StatusChange.to_status == ActionStatus.OPEN),
                          StatusChange.changed_at, StatusChange.id)
    reopening = and_(StatusChange.from_status == ActionStatus.ASSURED,
                     StatusChange.to_status == ActionStatus.IN_PROGRESS)
    # reopened while the last reopening or closing change is a reopening: closing again ends it
    reopened_at = _first(select(case((reopening, StatusChange.changed_at)))
                         .where(StatusChange.action_id == Action.id, StatusChange.changed_at <= end,
                                or_(reopening, StatusChange.to_status.in_(CLOSED_STATUSES))),
                         StatusChange.changed_at.desc(), StatusChange.id.desc())
    latest_update = _first(select(ProgressUpdate.id)
                           .where(ProgressUpdate.action_id == Action.id, ProgressUpdate.update_date <= day,
                                  or_(ProgressUpdate.withdrawn_at.is_(None), ProgressUpdate.withdrawn_at > end)),
                           ProgressUpdate.update_date.desc(), ProgressUpdate.id.desc())
    query = (
        select(Action.id, last.to_status,
               case((last.to_status == ActionStatus.SUBMITTED, last.changed_at)).label("submitted_at"),
               case((last.to_status == ActionStatus.ASSURED, last.changed_at)).label("assured_on"),
               Action.status.label("own_status"), Action.opened_date,
               _untracked_by(last, end).label("untracked"), _due_date(end).label("due_date"),
               first_opened.label("opened_on"),
               # asked only where it can be set: a closing change ends any reopening
               case((last.to_status.not_in(CLOSED_STATUSES), reopened_at)).label("reopened_on"),
               ProgressUpdate.id.label("update_id"), ProgressUpdate.update_date,
               ProgressUpdate.proposed_rating, ProgressUpdate.narrative, User.name.label("author"),
               ProgressUpdate.round_id)
        .select_from(Action)
        .outerjoin(last, last.id == _last_move(end))
        .outerjoin(ProgressUpdate, ProgressUpdate.id == latest_update)
        .outerjoin(User, User.id == ProgressUpdate.author_id))
    if since is None:
        return query
    status, due, move = _status_on(since, later=last)
    # the due date then is asked only to know whether the action was overdue then: only where it was working
    return query.add_columns(status, case((status.in_(WORKING_STATUSES), due))).outerjoin(*move)


#: How many columns `_states_on` gives: a query built on it adds its own after them.
STATE_COLUMNS = 16


def _as_at(day: date, row: tuple, days: StoredDays) -> AsAt | None:
    """The action on `day` from a row of `_states_on(day)` as the driver gives it; None if it did not
    exist yet. The moments of the last status change come only where the state keeps them (submitted:
    when; assured: the day), made moments and UK days here, only where they are set; the dates are
    made dates by `days`."""
    (action_id, moved_to, submitted_at, assured_on, own_status, own_opened_date, untracked, due, opened_on,
     reopened_on, update_id, update_date, proposed_rating, narrative, author, round_id) = row[:STATE_COLUMNS]
    due, update_date = days[due], days[update_date]
    if moved_to is not None:
        status, opened = moved_to, opened_on and _uk_day(opened_on)
        submitted_at, assured_on = submitted_at and utc_moment(submitted_at), assured_on and _uk_day(assured_on)
    elif untracked:
        status, submitted_at, assured_on = ActionStatus(own_status), None, None
        own_opened_date = days[own_opened_date]
        opened = own_opened_date if own_opened_date and own_opened_date <= day else None
    else:  # not made yet, or its first recorded change came later
        return None
    # built by position, without the named tuples' own constructors (twelve thousand of each a report);
    # without an update, its columns are null
    update = (make_tuple(UpdateRecord, (update_id, action_id, update_date, proposed_rating, narrative,
                                        author or "", round_id))
              if update_id is not None else None)
    state = make_tuple(ActionState, (status, due, update_date, proposed_rating, opened, submitted_at, assured_on,
                                     reopened_on and _uk_day(reopened_on)))
    return make_tuple(AsAt, (state, update))


def load_states(actions: Select, day: date) -> dict[int, AsAt]:
    """One query: `action_state_at` in SQL, for each of these actions that existed at the end of `day`."""
    states: dict[int, AsAt] = {}
    days = StoredDays()
    for row in driver_rows(_states_on(day).where(Action.id.in_(actions))):
        state = _as_at(day, row, days)
        if state is not None:
            states[row[0]] = state
    return states


def _status_on(day: date, later: AliasedClass[StatusChange] | None = None) -> tuple:
    """Two columns: the status and due date of `load_states` alone at the end of `day` (the status null
    if the action did not exist yet), and the join to the last status change they read.

    `later`: the statement's join to the last status change made by a later day. Where that change was
    made by `day` too, it is this day's last as well, and where there is none there was none by `day`
    either: most actions of a report did not change status in its period, and skip the look-up."""
    end = end_of(day)
    last = aliased(StatusChange, name=f"last_move_{day:%Y%m%d}")
    move = _last_move(end)
    if later is not None:
        move = case((later.id.is_(None), null()), (later.changed_at <= end, later.id), else_=move)
    status = func.coalesce(last.to_status, case((_untracked_by(last, end), Action.status)))
    return status, _due_date(end), (last, last.id == move)


def load_statuses(actions: Select, day: date) -> dict[int, StatusAt]:
    """One query: the status and due date of `load_states`, alone, for each of these actions that
    existed at the end of `day`."""
    status, due, move = _status_on(day)
    rows = read(select(Action.id, status, due).select_from(Action).outerjoin(*move).where(Action.id.in_(actions)))
    return {action_id: StatusAt(status, due) for action_id, status, due in rows if status is not None}


#: Each kind of evidence by its stored value: the report reads the kinds of eighteen thousand files as
#: the driver gives them and makes them members here.
EVIDENCE_KINDS = {kind.value: kind for kind in EvidenceKind}


class ReportedAction(NamedTuple):
    """An action of a report: the columns the report asked for, and the action as it stood on the
    as-at day and (if it existed then) at the start of the period: its status, and its due date only
    if it was working then (all a report asks of it is whether it was overdue or assured)."""

    id: int
    facts: tuple
    now: AsAt
    at_start: StatusAt | None


@dataclass
class ReportHistory:
    """What a report reads of its actions' history: each action that existed on the as-at day, in id
    order; and, by action id in the order made, the due-date moves made by the as-at day and the
    evidence effective by then (withdrawn later or not at all), by kind. The lists are made for the
    report's lines, which take them over rather than copy them."""

    actions: list[ReportedAction] = field(default_factory=list)
    due_moves: dict[int, list[DueMove]] = field(default_factory=lambda: defaultdict(list))
    #: By kind, then action id.
    evidence: dict[str, dict[int, list[EvidenceRecord]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    #: The dates of the actions' rows, as the driver gave them, made dates: `facts` columns come as
    #: stored, and `days[stored]` makes one a date.
    days: StoredDays = field(default_factory=StoredDays)


def load_report_history(selected: InScope, start: date, as_at: date,
                        facts: Callable[[Select], Select]) -> ReportHistory:
    """Three queries: the actions on the two days, their due-date moves and their evidence.

    The actions on both days come in one statement, with the columns and joins `facts` adds to it
    (the report's fixed columns of each action, after the states', in id order, as the driver gives
    them: dates are made dates by `history.days`): one pass over the actions instead of three, and a
    third of the rows to read back. The rows of all three are read as the driver gives them."""
    history = ReportHistory()
    reported, days = history.actions, history.days
    for row in driver_rows(facts(_states_on(as_at, since=start)).where(selected.has_action(Action.id))
                           .order_by(Action.id)):
        now = _as_at(as_at, row, days)
        if now is not None:
            status = row[STATE_COLUMNS]
            was = make_tuple(StatusAt, (status, days[row[STATE_COLUMNS + 1]])) if status is not None else None
            reported.append(make_tuple(ReportedAction, (row[0], row[STATE_COLUMNS + 2:], now, was)))
    end = end_of(as_at)
    due_moves = history.due_moves
    for action_id, old, new, reason, at in driver_rows(
            select(DueDateChange.action_id, DueDateChange.old_date, DueDateChange.new_date, DueDateChange.reason,
                   DueDateChange.changed_at)
            .where(selected.has_action(DueDateChange.action_id), DueDateChange.changed_at <= end)
            .order_by(DueDateChange.changed_at, DueDateChange.id)):
        due_moves[action_id].append(make_tuple(DueMove, (action_id, days[old], days[new], reason, utc_moment(at))))
    by_kind = {kind: history.evidence[kind] for kind in EVIDENCE_KINDS}
    for action_id, kind, title, effective in driver_rows(
            select(Evidence.action_id, Evidence.kind, Evidence.title, Evidence.effective_date)
            .where(selected.has_action(Evidence.action_id), Evidence.effective_date <= as_at,
                   or_(Evidence.withdrawn_at.is_(None), Evidence.withdrawn_at > end))
            .order_by(Evidence.effective_date, Evidence.id)):
        by_kind[kind][action_id].append(
            make_tuple(EvidenceRecord, (action_id, EVIDENCE_KINDS[kind], title, days[effective])))
    return history
