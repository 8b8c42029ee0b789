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

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import permissions
from tracker.actions import services as actions_services
from tracker.actions.models import (
    LIVE_STATUSES, UNSUBMITTED_STATUSES, WORKING_STATUSES, Action, ActionStatus, DueDateRequest, RequestStatus,
)
from tracker.errors import DomainError
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
    chosen = {line.action_id for line in preview.changing}
    for action in actions:
        if action.id in chosen:
            action.lead = lead
    db.session.flush()
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
        if not permissions.can_move_due_date(by, action) or action.status not in UNSUBMITTED_STATUSES:
            refusal = "The due date of a submitted or closed action cannot move."
        elif action.due_date == new_date:
            refusal = "It is already due on that date."
        else:
            refusal = ""
        lines.append(_line(action, _day(action.due_date), _day(new_date), refusal))
    return Preview(lines)


def apply_move_due_dates(actions: list[Action], new_date: date | None, reason: str, by: User,
                         versions: Mapping[int, int]) -> Preview:
    preview = _checked(preview_move_due_dates(actions, new_date, reason, by), versions)
    chosen = {line.action_id for line in preview.changing}
    for action in actions:
        if action.id in chosen:
            actions_services.move_due_date(action, new_date, reason, by, flush=False)
    db.session.flush()
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
    chosen = {line.action_id for line in preview.changing}
    db.session.add_all(UpdateRequest(round_id=round_.id, action_id=a.id, agency_id=a.owner_agency_id,
                                     lead_id=a.lead_id) for a in actions if a.id in chosen)
    db.session.flush()
    return preview


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
    for action in held.actions:
        action.lead = successor
    for request in held.update_requests:
        request.lead_id = successor.id
    for request in held.due_date_requests:
        request.requested_by_id = successor.id
    for round_ in held.rounds:
        round_.opened_by_id = successor.id
    db.session.flush()
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
