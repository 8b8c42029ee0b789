"""Verbs on update rounds, and the counts their pages and the board report show. Services flush; the
view (or the command) commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from tracker.actions.models import WORKING_STATUSES, Action, ProgressUpdate
from tracker.core import dates
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.users.models import Agency, User


def open_round(*, name: str, deadline: date, by: User, today: date) -> UpdateRound:
    """Ask for an update on every open or in-progress action, from its lead at this moment."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter a name for the round.", field="name")
    if deadline < today:
        raise DomainError("The deadline cannot be in the past.", field="deadline")
    dates.check_planned(deadline, today, label="The deadline", field="deadline")
    actions = db.session.execute(
        select(Action.id, Action.owner_agency_id, Action.lead_id)
        .where(Action.status.in_(WORKING_STATUSES)).order_by(Action.id)).all()
    if not actions:
        raise DomainError("There are no open actions to ask for updates on.")
    round_ = UpdateRound(name=name, deadline_date=deadline, opened_date=today, opened_at=utcnow(),
                         opened_by_id=by.id)
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(UpdateRequest(round_id=round_.id, action_id=action_id, agency_id=agency_id, lead_id=lead_id)
                       for action_id, agency_id, lead_id in actions)
    db.session.flush()
    return round_


def close_round(round_: UpdateRound, *, by: User, today: date) -> None:
    """A closed round takes no more responses and drops out of the reminders."""
    if not round_.is_open:
        raise DomainError("This round is already closed.")
    round_.closed_date = today
    round_.closed_at = utcnow()
    round_.closed_by_id = by.id
    db.session.flush()


def answer_requests(update: ProgressUpdate, today: date) -> None:
    """An update posted while a round is open answers that round's request for the action (every open
    round's, if several are open); the update is marked as given in the latest of them."""
    requests = db.session.scalars(
        select(UpdateRequest).join(UpdateRound, UpdateRound.id == UpdateRequest.round_id)
        .where(UpdateRequest.action_id == update.action_id, UpdateRequest.update_id.is_(None),
               UpdateRound.closed_date.is_(None))
        .order_by(UpdateRound.opened_date, UpdateRound.id)).all()
    for request in requests:
        request.update_id = update.id
        request.responded_date = today
    if requests:
        update.round_id = requests[-1].round_id
        db.session.flush()


@dataclass(frozen=True)
class Progress:
    requested: int
    responded: int

    @property
    def outstanding(self) -> int:
        return self.requested - self.responded

    @property
    def rate(self) -> int:
        """Responses as a whole percentage of requests."""
        return round(100 * self.responded / self.requested) if self.requested else 0


_RESPONDED = func.sum(case((UpdateRequest.update_id.is_not(None), 1), else_=0))


def progress_by_round(round_ids: list[int], agency_id: int | None = None) -> dict[int, Progress]:
    """Requests and responses for each round, in one query (for one agency, if given)."""
    if not round_ids:
        return {}
    stmt = (select(UpdateRequest.round_id, func.count(), _RESPONDED)
            .where(UpdateRequest.round_id.in_(round_ids)).group_by(UpdateRequest.round_id))
    if agency_id is not None:
        stmt = stmt.where(UpdateRequest.agency_id == agency_id)
    return {rid: Progress(n, int(done or 0)) for rid, n, done in db.session.execute(stmt)}


@dataclass(frozen=True)
class AgencyProgress:
    agency_id: int
    name: str
    progress: Progress


def progress_by_agency(round_: UpdateRound, agency_id: int | None = None) -> list[AgencyProgress]:
    stmt = (select(Agency.id, Agency.name, func.count(), _RESPONDED)
            .join(UpdateRequest, UpdateRequest.agency_id == Agency.id)
            .where(UpdateRequest.round_id == round_.id)
            .group_by(Agency.id, Agency.name).order_by(Agency.name))
    if agency_id is not None:
        stmt = stmt.where(Agency.id == agency_id)
    return [AgencyProgress(aid, name, Progress(n, int(done or 0))) for aid, name, n, done in db.session.execute(stmt)]
