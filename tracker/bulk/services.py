"""Bulk changes to actions: reassign the lead, move the due dates, add to an update round, and hand
everything a person holds to a successor when they leave.

Each change is two steps. `preview_*` works out, action by action, exactly what will change (or why
an action will be left alone) and changes nothing; the confirm step (`apply_*`) works it out again
from the database, refuses if any action changed since the preview (its version), and applies the
change through the same rules as the one-at-a-time pages. The view commits once, so the whole change
is one transaction; the audit listener records every row it touches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import joinedload

from tracker import permissions
from tracker.actions import services as actions_services
from tracker.actions.models import (
    LIVE_STATUSES,
    WORKING_STATUSES,
    Action,
    ActionStatus,
    DueDateChange,
    DueDateRequest,
    RequestStatus,
)
from tracker.audit.services import record_bulk
from tracker.core.clock import today
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.users.models import STAFF_ROLES, Agency, Role, User

#: The most actions one bulk change takes: a page of selections, with room for a whole review.
MAX_ACTIONS = 500
#: The actions a leaver hands over: every one not yet closed.
_LIVE = (ActionStatus.DRAFT, *LIVE_STATUSES)
CHANGED_MEANWHILE = ("Some of these actions changed after the preview was shown. Check the new preview "
                     "and confirm again.")


@dataclass(frozen=True)
class Line:
    """One action in a preview: what it is, what changes (before -> after), or why it is left alone."""

    action_id: int
    version: int
    reference: str
    description: str
    before: str
    after: str
    refusal: str = ""

    @property
    def changes(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class Preview:
    lines: list[Line]

    @property
    def changing(self) -> list[Line]:
        return [line for line in self.lines if line.changes]

    @property
    def left_alone(self) -> list[Line]:
        return [line for line in self.lines if not line.changes]

    @property
    def versions(self) -> dict[int, int]:
        """What the confirm step checks: each changing action's version when the preview was made."""
        return {line.action_id: line.version for line in self.changing}


def load_actions(ids: Iterable[int], user: User) -> list[Action]:
    """The chosen actions the user may see, in one query with what a preview shows of each."""
    ids = sorted({i for i in ids if isinstance(i, int)})
    if not ids:
        raise DomainError("Select at least one action.", field="action_id")
    if len(ids) > MAX_ACTIONS:
        raise DomainError(f"Select {MAX_ACTIONS} actions or fewer for one change.", field="action_id")
    return list(db.session.scalars(
        select(Action)
        .options(joinedload(Action.lead).load_only(User.id, User.name, User.agency_id),
                 joinedload(Action.owner_agency),
                 joinedload(Action.review).load_only(Review.id, Review.reference),
                 joinedload(Action.recommendation).load_only(Recommendation.id, Recommendation.number,
                                                             Recommendation.review_id))
        .where(Action.id.in_(ids), permissions.visible_actions_filter(user))
        .order_by(Action.due_date, Action.id)).unique())


def _line(action: Action, before: str, after: str, refusal: str = "") -> Line:
    return Line(action.id, action.version, f"{action.review.reference} rec {action.recommendation.number}",
                action.description, before, after, refusal)


def _day(value: date) -> str:
    """A date as the pages write it: 2 June 2025."""
    return f"{value.day} {value:%B %Y}"


def _lead_name(user: User | None) -> str:
    return user.name if user is not None else "No lead named"


# --- reassign the lead -----------------------------------------------------------------------------------


def preview_reassign(actions: list[Action], lead: User | None, by: User) -> Preview:
    if lead is None or not lead.active or not lead.has_role(Role.AGENCY_LEAD):
        raise DomainError("Choose the new lead.", field="lead_id")
    lines = []
    for action in actions:
        before = _lead_name(action.lead)
        if not permissions.can_edit_action(by, action):
            refusal = f"It is {action.status_label.lower()}, so its lead cannot change."
        elif lead.agency_id != action.owner_agency_id:
            refusal = f"{lead.name} is not a lead in {action.owner_agency.name}."
        elif action.lead_id == lead.id:
            refusal = f"{lead.name} already leads it."
        else:
            refusal = ""
        lines.append(_line(action, before, lead.name, refusal))
    return Preview(lines)


def apply_reassign(actions: list[Action], lead: User | None, by: User, versions: Mapping[int, int]) -> Preview:
    preview = _checked(preview_reassign(actions, lead, by), versions)
    chosen = [a for a in actions if a.id in preview.versions]
    _update_actions(chosen, versions, {a.id: {"lead_id": (a.lead_id, lead.id)} for a in chosen})
    return preview


# --- move the due dates ----------------------------------------------------------------------------------


def preview_move_due_dates(actions: list[Action], new_date: date | None, reason: str, by: User) -> Preview:
    """Through the due-date rule of the single move: a reason, a different date, not once submitted."""
    if new_date is None:
        raise DomainError("Enter the new due date.", field="due_date")
    if not (reason or "").strip():
        raise DomainError("Enter the reason the due dates are moving.", field="reason")
    lines = []
    for action in actions:
        try:
            actions_services.check_due_date_move(action, new_date, reason, today())
            refusal = "" if permissions.can_move_due_date(by, action) else "You cannot move its due date."
        except DomainError as error:
            refusal = error.message
        lines.append(_line(action, _day(action.due_date), _day(new_date), refusal))
    return Preview(lines)


def apply_move_due_dates(actions: list[Action], new_date: date | None, reason: str, by: User,
                         versions: Mapping[int, int]) -> Preview:
    preview = _checked(preview_move_due_dates(actions, new_date, reason, by), versions)
    chosen = [a for a in actions if a.id in preview.versions]
    now, reason = utcnow(), reason.strip()
    old_dates = {a.id: a.due_date for a in chosen}  # read before the write expires the objects
    _update_actions(chosen, versions, {a.id: {"due_date": (a.due_date, new_date)} for a in chosen})
    # The history rows move_due_date would add, in one insert (with their ids, for the audit).
    made = db.session.execute(insert(DueDateChange).returning(DueDateChange.id, DueDateChange.action_id), [
        {"action_id": action_id, "old_date": old_dates[action_id], "new_date": new_date, "reason": reason,
         "changed_by_id": by.id, "changed_at": now} for action_id in old_dates]).all()
    record_bulk([("create", "DueDateChange", change_id, {
        "action_id": (None, action_id), "old_date": (None, old_dates[action_id]), "new_date": (None, new_date),
        "reason": (None, reason), "changed_by_id": (None, by.id), "changed_at": (None, now)})
        for change_id, action_id in made])
    return preview


# --- add to an update round ------------------------------------------------------------------------------


def _requested(round_: UpdateRound, action_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(UpdateRequest.action_id).where(
        UpdateRequest.round_id == round_.id, UpdateRequest.action_id.in_(action_ids))))


def preview_add_to_round(actions: list[Action], round_: UpdateRound | None, by: User) -> Preview:
    if round_ is None:
        raise DomainError("Choose the update round.", field="round_id")
    if not round_.is_open:
        raise DomainError("That round is closed: choose an open round.", field="round_id")
    if not permissions.can_manage_rounds(by):
        raise DomainError("Only the business unit can add actions to a round.")
    already = _requested(round_, [a.id for a in actions])
    lines = []
    for action in actions:
        if action.status not in WORKING_STATUSES:
            refusal = f"It is {action.status_label.lower()}: updates are asked for only on open work."
        elif action.id in already:
            refusal = "It is already in this round."
        else:
            refusal = ""
        lines.append(_line(action, "Not in the round", f"Update asked for in {round_.name}", refusal))
    return Preview(lines)


def apply_add_to_round(actions: list[Action], round_: UpdateRound | None, by: User,
                       versions: Mapping[int, int]) -> Preview:
    preview = _checked(preview_add_to_round(actions, round_, by), versions)
    rows = [{"round_id": round_.id, "action_id": a.id, "agency_id": a.owner_agency_id, "lead_id": a.lead_id}
            for a in actions if a.id in preview.versions]
    made = db.session.execute(insert(UpdateRequest).returning(UpdateRequest.id), rows).scalars().all()
    record_bulk([("create", "UpdateRequest", request_id, {key: (None, value) for key, value in row.items()})
                 for request_id, row in zip(made, rows, strict=True)])
    return preview


def _update_actions(chosen: list[Action], versions: Mapping[int, int],
                    changes: dict[int, dict[str, tuple]]) -> None:
    """Write the changes to the chosen actions in one statement, each only if it still has the version
    the preview saw (else nothing is written: the view rolls back), bump each version as the single
    edits do, and audit each action. The loaded objects are expired, so nothing stale is read after."""
    if not chosen:
        return
    table = Action.__table__
    columns = list(next(iter(changes.values())))
    now = utcnow()
    result = db.session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(version=table.c.version + 1, updated_at=now, **{c: bindparam(f"b_{c}") for c in columns}),
        [{"b_id": a.id, "b_version": versions[a.id], **{f"b_{c}": changes[a.id][c][1] for c in columns}}
         for a in chosen])
    if result.rowcount != len(chosen):
        raise DomainError(CHANGED_MEANWHILE)
    record_bulk([("update", "Action", a.id, {**changes[a.id], "version": (versions[a.id], versions[a.id] + 1)})
                 for a in chosen])
    for action in chosen:
        db.session.expire(action)


def _checked(preview: Preview, versions: Mapping[int, int]) -> Preview:
    """The confirm step changes exactly what the preview showed, or nothing."""
    if not preview.changing:
        raise DomainError("None of the selected actions would change.")
    if preview.versions != dict(versions):
        raise DomainError(CHANGED_MEANWHILE)
    return preview


# --- hand over when a person leaves ----------------------------------------------------------------------


@dataclass(frozen=True)
class HandOver:
    """Everything a person holds that a successor takes on."""

    person: User
    actions: list[Action]
    update_requests: list[UpdateRequest]
    due_date_requests: list[DueDateRequest]
    rounds: list[UpdateRound]

    @property
    def fingerprint(self) -> str:
        """What the confirm step checks: the same records, at the same versions, as the preview."""
        parts = [f"a{a.id}.{a.version}" for a in self.actions]
        parts += [f"u{r.id}" for r in self.update_requests] + [f"d{r.id}" for r in self.due_date_requests]
        parts += [f"r{r.id}" for r in self.rounds]
        return " ".join(parts)

    @property
    def is_empty(self) -> bool:
        return not (self.actions or self.update_requests or self.due_date_requests or self.rounds)


def holdings(person: User) -> HandOver:
    """The person's live actions, the unanswered requests of open rounds addressed to them, their
    pending due-date requests and the open rounds they opened: four queries whatever the numbers."""
    actions = list(db.session.scalars(
        select(Action).options(joinedload(Action.review).load_only(Review.id, Review.reference),
                               joinedload(Action.recommendation).load_only(
                                   Recommendation.id, Recommendation.number, Recommendation.review_id),
                               joinedload(Action.owner_agency))
        .where(Action.lead_id == person.id, Action.status.in_(_LIVE)).order_by(Action.due_date, Action.id)))
    update_requests = list(db.session.scalars(
        select(UpdateRequest).join(UpdateRound, UpdateRound.id == UpdateRequest.round_id)
        .where(UpdateRequest.lead_id == person.id, UpdateRequest.update_id.is_(None),
               UpdateRound.closed_date.is_(None)).order_by(UpdateRequest.id)))
    due_date_requests = list(db.session.scalars(
        select(DueDateRequest).where(DueDateRequest.requested_by_id == person.id,
                                     DueDateRequest.status == RequestStatus.PENDING).order_by(DueDateRequest.id)))
    rounds = list(db.session.scalars(
        select(UpdateRound).where(UpdateRound.opened_by_id == person.id, UpdateRound.closed_date.is_(None))
        .order_by(UpdateRound.id)))
    return HandOver(person, actions, update_requests, due_date_requests, rounds)


def check_successor(hand_over: HandOver, successor: User | None) -> None:
    """The successor must be someone else, still active, able to lead every action handed over (a lead
    in its owning agency) and, for rounds, one of the business unit."""
    person = hand_over.person
    if successor is None:
        raise DomainError("Choose who takes over.", field="successor_id")
    if successor.id == person.id:
        raise DomainError("Choose someone other than the person leaving.", field="successor_id")
    if not successor.active:
        raise DomainError(f"{successor.name}'s account is deactivated: choose an active person.",
                          field="successor_id")
    if hand_over.is_empty:
        raise DomainError(f"{person.name} holds no live actions, requests or open rounds to hand over.")
    needs_lead = hand_over.actions or hand_over.update_requests or hand_over.due_date_requests
    agencies = ({a.owner_agency_id for a in hand_over.actions} | {r.agency_id for r in hand_over.update_requests})
    if needs_lead and not (successor.has_role(Role.AGENCY_LEAD) and agencies <= {successor.agency_id}):
        raise DomainError(f"{successor.name} is not a lead in the agency whose actions are handed over.",
                          field="successor_id")
    if hand_over.rounds and not successor.has_role(*STAFF_ROLES):
        raise DomainError(f"{successor.name} is not in the business unit, so cannot take over open rounds.",
                          field="successor_id")


def hand_over(person: User, successor: User | None, fingerprint: str) -> HandOver:
    """Give the successor everything the person holds, exactly as previewed, in one flush."""
    held = holdings(person)
    check_successor(held, successor)
    if held.fingerprint != fingerprint:
        raise DomainError("What this person holds changed after the preview was shown. Check the new "
                          "preview and confirm again.")
    _update_actions(held.actions, {a.id: a.version for a in held.actions},
                    {a.id: {"lead_id": (person.id, successor.id)} for a in held.actions})
    for model, column, records in ((UpdateRequest, "lead_id", held.update_requests),
                                   (DueDateRequest, "requested_by_id", held.due_date_requests),
                                   (UpdateRound, "opened_by_id", held.rounds)):
        ids = [r.id for r in records]
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids)).values({column: successor.id}),
                               execution_options={"synchronize_session": False})
            record_bulk([("update", model.__name__, i, {column: (person.id, successor.id)}) for i in ids])
            for record in records:
                db.session.expire(record)
    return held


# --- one action per agency from a recommendation ---------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    """One agency's action in a bulk creation: its lead (optional) and due date."""

    agency: Agency
    lead: User | None
    due_date: date | None


def check_agency_rows(rows: list[AgencyRow], description: str, today: date) -> None:
    """The rules of a single new action, for every row, before anything is created."""
    if not (description or "").strip():
        raise DomainError("Enter a description of the action.", field="description")
    if not rows:
        raise DomainError("Choose at least one agency.", field="agencies")
    for row in rows:
        if row.due_date is None:
            raise DomainError(f"Enter the due date for {row.agency.name}.", field="agencies")
        if row.due_date < today:
            raise DomainError(f"The due date for {row.agency.name} cannot be in the past.", field="agencies")
        if row.lead is not None and row.lead.agency_id != row.agency.id:
            raise DomainError(f"{row.lead.name} is not a lead in {row.agency.name}.", field="agencies")


def create_for_agencies(recommendation: Recommendation, rows: list[AgencyRow], *, description: str,
                        success_measure: str, by: User, today: date) -> list[Action]:
    """One open action per chosen agency, each with its own lead and due date, in one transaction."""
    if not permissions.can_manage_reviews(by):
        raise DomainError("Only the business unit can create actions.")
    check_agency_rows(rows, description, today)
    return [actions_services.create_action(recommendation, description=description, owner=row.agency,
                                           lead=row.lead, due_date=row.due_date, success_measure=success_measure,
                                           by=by, today=today) for row in rows]
