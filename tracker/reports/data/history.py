"""Actions as they stood on a past day, rebuilt from their recorded history.

Every rating is worked out as at the report's date from the recorded history: the status from the
status changes made on or before that day, the due date from the due-date moves made on or before it,
and the latest progress update dated on or before it. The current columns of an action are never
trusted for a past date; `rate` is then applied to that reconstructed state, so a report for a past
date gives the ratings as they were on that date."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, select

from tracker.actions.models import (
    CLOSED_STATUSES,
    WORKING_STATUSES,
    ActionStatus,
    DueDateChange,
    ProgressUpdate,
    StatusChange,
)
from tracker.core.clock import LONDON
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.users.models import User


def uk_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def known_on(withdrawn_at: datetime | None, as_at: date) -> bool:
    """A withdrawn update or evidence file still counts as at the days before its withdrawal: the
    history shows what was known then."""
    return withdrawn_at is None or uk_date(withdrawn_at) > as_at


@dataclass(frozen=True)
class StatusMove:
    action_id: int
    from_status: str | None
    to_status: str
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


@dataclass(frozen=True)
class DueMove:
    action_id: int
    old_date: date
    new_date: date
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


@dataclass(frozen=True)
class UpdateRecord:
    id: int
    action_id: int
    update_date: date
    proposed_rating: str
    narrative: str
    author: str
    round_id: int | None = None  # the update round it was given for


@dataclass(frozen=True)
class EvidenceRecord:
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


@dataclass(frozen=True)
class ActionState:
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
        """Live work past its due date; submitted work waits on the business unit, not the agency."""
        return self.status in WORKING_STATUSES and day > self.due_date


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
    for row in db.session.execute(
            select(StatusChange.action_id, StatusChange.from_status, StatusChange.to_status, StatusChange.reason,
                   StatusChange.changed_at)
            .where(StatusChange.action_id.in_(actions))
            .order_by(StatusChange.changed_at, StatusChange.id)):
        history.status_moves[row.action_id].append(StatusMove(row.action_id, row.from_status, row.to_status,
                                                              row.reason, row.changed_at))
    for row in db.session.execute(
            select(DueDateChange.action_id, DueDateChange.old_date, DueDateChange.new_date, DueDateChange.reason,
                   DueDateChange.changed_at)
            .where(DueDateChange.action_id.in_(actions))
            .order_by(DueDateChange.changed_at, DueDateChange.id)):
        history.due_moves[row.action_id].append(DueMove(row.action_id, row.old_date, row.new_date, row.reason,
                                                        row.changed_at))
    for row in db.session.execute(
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
    for row in db.session.execute(
            select(Evidence.action_id, Evidence.kind, Evidence.title, Evidence.effective_date, Evidence.withdrawn_at)
            .where(Evidence.action_id.in_(actions), Evidence.effective_date <= as_at)
            .order_by(Evidence.effective_date, Evidence.id)):
        if not known_on(row.withdrawn_at, as_at):
            continue
        history.evidence[row.action_id].append(EvidenceRecord(row.action_id, row.kind, row.title,
                                                              row.effective_date))
    return history
