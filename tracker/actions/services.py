"""Verbs on actions. Each checks the rule, changes the records, and flushes; the view commits.
Every status move goes through `move_status`, checked against `ALLOWED_MOVES`."""

from dataclasses import dataclass
from datetime import date

from tracker import permissions
from tracker.core import dates
from tracker.actions.models import (
    Action,
    ActionStatus,
    AssuranceDecision,
    Decision,
    DueDateChange,
    DueDateRequest,
    ImpactOutcome,
    ImpactReview,
    ProgressUpdate,
    Rating,
    RequestStatus,
    StatusChange,
)
from tracker.closure.reopening import reopen_closed_parents
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.evidence.models import EvidenceKind
from tracker.extensions import db
from tracker.measures.rules import unmet
from tracker.recommendations.models import Recommendation
from tracker.reminders.reopened import tell_reopened
from tracker.reviews.milestones import KEY_DATE_FIELDS, add_months
from tracker.rounds.services import answer_requests
from tracker.settings import Settings
from tracker.users.models import STAFF_ROLES, Agency, User

S = ActionStatus


@dataclass(frozen=True)
class Move:
    name: str
    staff_only: bool
    needs_reason: bool


#: The only status moves there are. Anything else is refused.
ALLOWED_MOVES: dict[tuple[ActionStatus, ActionStatus], Move] = {
    (S.DRAFT, S.OPEN): Move("open", staff_only=True, needs_reason=False),
    (S.OPEN, S.IN_PROGRESS): Move("start", staff_only=False, needs_reason=False),
    (S.OPEN, S.SUBMITTED): Move("submit", staff_only=False, needs_reason=False),
    (S.IN_PROGRESS, S.SUBMITTED): Move("submit", staff_only=False, needs_reason=False),
    (S.SUBMITTED, S.ASSURED): Move("accept", staff_only=True, needs_reason=True),
    (S.SUBMITTED, S.IN_PROGRESS): Move("return", staff_only=True, needs_reason=True),
    # An impact review found the change had not lasted, or a measurement fell below its target.
    (S.ASSURED, S.IN_PROGRESS): Move("reopen", staff_only=False, needs_reason=True),
    **{(src, S.WITHDRAWN): Move("withdraw", staff_only=True, needs_reason=True)
       for src in (S.DRAFT, S.OPEN, S.IN_PROGRESS, S.SUBMITTED)},
    **{(src, S.SUPERSEDED): Move("supersede", staff_only=True, needs_reason=True)
       for src in (S.DRAFT, S.OPEN, S.IN_PROGRESS, S.SUBMITTED)},
}



def move_status(action: Action, to: ActionStatus, by: User, *, reason: str = "", today: date,
                impact_review_months: int = Settings.impact_review_months) -> StatusChange:
    """Move an action along the workflow, if the table allows it for this user. Assurance sets the
    date the business unit checks that the change has lasted."""
    src = ActionStatus(action.status)
    move = ALLOWED_MOVES.get((src, to))
    if move is None:
        raise DomainError(f"An action that is {src.label.lower()} cannot be moved to {to.label.lower()}.")
    is_staff = by.has_role(*STAFF_ROLES)
    if move.staff_only and not is_staff:
        raise DomainError("Only the business unit can do that.")
    if not permissions.works_on(by, action):
        raise DomainError("Only the owning agency's lead or the business unit can do that.")
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise DomainError("Enter a reason.", field="reason")
    now = utcnow()
    if to is S.OPEN:
        action.opened_date = today
    elif to is S.SUBMITTED:
        action.submitted_at = now
        action.submitted_by_id = by.id
    elif to is S.ASSURED:
        if action.submitted_by_id == by.id:
            raise DomainError("You submitted this action, so someone else must assure it.")
        action.assured_at = now
        action.assured_date = today
        action.completed_late = today > action.original_due_date
        action.impact_review_date = add_months(today, impact_review_months)
        action.reopened_date = None
    elif to is S.IN_PROGRESS and src is S.ASSURED:
        action.assured_at = None
        action.assured_date = None
        action.impact_review_date = None
        action.reopened_date = today
    elif to is S.IN_PROGRESS and src is S.SUBMITTED:
        if action.submitted_by_id == by.id:
            raise DomainError("You submitted this action, so someone else must decide on it.")
        action.submitted_at = None
    action.status = to
    action.status_reason = reason if move.needs_reason else ""
    change = StatusChange(action=action, from_status=src, to_status=to, reason=reason,
                          changed_by_id=by.id, changed_at=now)
    db.session.add(change)
    db.session.flush()
    return change


def review_start(review) -> date | None:
    """The first recorded key date of a review (the incident, the decision, the commissioning...):
    no action of the review is due before it."""
    recorded = [getattr(review, name) for name in KEY_DATE_FIELDS if getattr(review, name, None)]
    return min(recorded) if recorded else None


def check_due_date(due_date: date, review, today: date, *, label: str = "Due date", field: str = "due_date",
                   not_before_today: bool = False, confirmed: bool | None = None) -> None:
    """A due date that makes sense: not before the review began (nor before today when a new action is
    typed in), and within the planning horizon (beyond it, when `confirmed`: see dates.check_planned)."""
    start = review_start(review) if review is not None else None
    if not_before_today and (start is None or start < today):
        dates.check_planned(due_date, today, label=label, field=field, not_before=today, not_before_what="today",
                            confirmed=confirmed)
    else:
        dates.check_planned(due_date, today, label=label, field=field, not_before=start,
                            not_before_what="the start of the review" if start else "", confirmed=confirmed)


def create_action(recommendation: Recommendation, *, description: str, owner: Agency, lead: User | None,
                  due_date: date, success_measure: str, by: User | None, today: date, open_now: bool = True,
                  new_work: bool = False, confirmed: bool | None = None) -> Action:
    """A new action, a draft until opened. `by` is None when a system job creates it (the import
    command): the audit names the job. `new_work`: typed in on the form, so due today or later and
    not before the review began (an imported plan may carry the past). `confirmed`: the user has
    confirmed a due date beyond the horizon (None: no confirmation offered)."""
    if by is None and open_now:
        raise DomainError("An action opened at once needs the person opening it.")
    if recommendation.closed_date is not None:  # closed means no live action under it (closure/services.py)
        raise DomainError(f"The board closed this recommendation on {dates.say(recommendation.closed_date)}: "
                          "a new action cannot be added to it. Reopen one of its actions first, if the "
                          "work is to continue under it.")
    if lead is not None and lead.agency_id != owner.id:
        raise DomainError(f"{lead.name} is not a lead in {owner.name}.", field="lead_id")
    if new_work:
        check_due_date(due_date, recommendation.review, today, not_before_today=True, confirmed=confirmed)
    else:  # another system's plan, or records brought in: only the outer range
        dates.check_planned(due_date, today, label="Due date", field="due_date")
    action = Action(
        recommendation=recommendation, review_id=recommendation.review_id, description=description.strip(),
        owner_agency=owner, lead=lead, original_due_date=due_date, due_date=due_date,
        success_measure=success_measure.strip(), status=S.DRAFT, created_by_id=by.id if by else None,
    )
    db.session.add(action)
    db.session.add(StatusChange(action=action, from_status=None, to_status=S.DRAFT,
                                changed_by_id=by.id if by else None, changed_at=utcnow()))
    db.session.flush()
    if open_now:
        move_status(action, S.OPEN, by, today=today)
    return action


def edit_action(action: Action, *, description: str, owner: Agency, lead: User | None,
                success_measure: str) -> None:
    if action.is_closed:
        raise DomainError("A closed action cannot be edited.")
    if lead is not None and lead.agency_id != owner.id:
        raise DomainError(f"{lead.name} is not a lead in {owner.name}.", field="lead_id")
    action.description = description.strip()
    action.owner_agency = owner
    action.lead = lead
    action.success_measure = success_measure.strip()
    db.session.flush()


def check_due_date_move(action: Action, new_date: date, reason: str, today: date | None = None,
                        confirmed: bool | None = None) -> None:
    """The due-date rule, for one move or many: a reason, a different date, and not once submitted;
    with `today`, the new date is checked for sense too (check_due_date)."""
    if today is not None and new_date is not None:
        check_due_date(new_date, action.recommendation.review, today, label="The new due date",
                       confirmed=confirmed)
    if not (reason or "").strip():
        raise DomainError("Enter the reason the due date is moving.", field="reason")
    if new_date == action.due_date:
        raise DomainError("The new due date is the same as the current one.", field="due_date")
    if action.is_closed or action.status == S.SUBMITTED:
        raise DomainError("The due date of a submitted or closed action cannot move.")


def move_due_date(action: Action, new_date: date, reason: str, by: User, today: date | None = None,
                  confirmed: bool | None = None) -> DueDateChange:
    """Every move keeps the original date and needs a reason."""
    check_due_date_move(action, new_date, reason, today, confirmed)
    change = DueDateChange(action=action, old_date=action.due_date, new_date=new_date, reason=reason.strip(),
                           changed_by_id=by.id, changed_at=utcnow())
    action.due_date = new_date
    db.session.add(change)
    db.session.flush()
    return change


def record_progress(action: Action, *, by: User, narrative: str, proposed_rating: str,
                    update_date: date, today: date) -> ProgressUpdate:
    """A new dated update; a narrative is required when the proposed rating is Amber or Red."""
    narrative = (narrative or "").strip()
    if proposed_rating not in (Rating.RED, Rating.AMBER, Rating.GREEN):
        raise DomainError("Choose Red, Amber or Green.", field="proposed_rating")
    if proposed_rating in (Rating.RED, Rating.AMBER) and not narrative:
        raise DomainError("Explain what is happening: a narrative is needed for an Amber or Red rating.",
                          field="narrative")
    if update_date > today:
        raise DomainError("The date of the update cannot be in the future.", field="update_date")
    dates.check_past(update_date, today, label="The date of the update", field="update_date")
    if action.status not in (S.OPEN, S.IN_PROGRESS):
        raise DomainError(f"Updates cannot be posted on an action that is {action.status_label.lower()}.")
    update = ProgressUpdate(action=action, author_id=by.id, narrative=narrative,
                            proposed_rating=proposed_rating, update_date=update_date)
    db.session.add(update)
    if action.last_update_date is None or update_date >= action.last_update_date:
        action.last_update_date = update_date
        action.last_proposed_rating = proposed_rating
    if action.status == S.OPEN:
        move_status(action, S.IN_PROGRESS, by, today=today)
    db.session.flush()
    answer_requests(update, today)
    return update


def submit_for_assurance(action: Action, by: User, today: date, note: str = "") -> StatusChange:
    if not any(True for _ in action.evidence):
        raise DomainError("Add evidence of completion or impact before submitting the action.")
    return move_status(action, S.SUBMITTED, by, reason=note, today=today)


def accept_action(action: Action, by: User, reason: str, today: date,
                  impact_review_months: int = Settings.impact_review_months,
                  justification: str = "") -> AssuranceDecision:
    """Blue means evidence of impact was accepted, so there must be some; and where the action has
    measures, each one's latest value meets its target, or the assurer says why Blue is justified anyway."""
    if not any(e.kind == EvidenceKind.IMPACT for e in action.evidence):
        raise DomainError("There is no evidence of impact yet: return the action and ask for it.")
    if not 1 <= impact_review_months <= 60:
        raise DomainError("The impact review must be between 1 and 60 months after assurance.",
                          field="impact_review_months")
    justification = (justification or "").strip()
    short = unmet(action.id, action.recommendation_id)
    if short and not justification:
        raise DomainError("Not every measure meets its target (" + "; ".join(s.sentence for s in short)
                          + "). Explain why Blue is justified anyway, or return the action.", field="justification")
    move_status(action, S.ASSURED, by, reason=reason, today=today, impact_review_months=impact_review_months)
    return _decide(action, Decision.ACCEPTED, by, reason, justification if short else "")


def return_action(action: Action, by: User, reason: str, today: date) -> AssuranceDecision:
    move_status(action, S.IN_PROGRESS, by, reason=reason, today=today)
    return _decide(action, Decision.RETURNED, by, reason)


def _decide(action: Action, decision: Decision, by: User, reason: str, justification: str = "") -> AssuranceDecision:
    record = AssuranceDecision(action=action, decision=decision, reason=reason.strip(), justification=justification,
                               decided_by_id=by.id, decided_at=utcnow())
    db.session.add(record)
    db.session.flush()
    return record


#: How long a reopened action has by default, when nobody names a new due date.
REOPEN_MONTHS = 3


def reopen_action(action: Action, by: User, reason: str, today: date, new_due_date: date | None = None) -> StatusChange:
    """An assured action goes back to in progress, with the reason and a new due date (three months on
    unless one is given); it shows as reopened until it is assured again. The status move and the due
    date's move are both in the history, so the as-at history tells it again."""
    new_due_date = new_due_date or add_months(today, REOPEN_MONTHS)
    if new_due_date <= today:
        raise DomainError("The new due date must be after today.", field="new_due_date")
    change = move_status(action, S.IN_PROGRESS, by, reason=reason, today=today)
    if new_due_date != action.due_date:
        move_due_date(action, new_due_date, f"Reopened: {reason}", by)
    reopen_closed_parents(action, by_id=by.id, today=today)
    tell_reopened(action, reason)
    return change


def close_action(action: Action, to: ActionStatus, by: User, reason: str, today: date) -> StatusChange:
    if to not in (S.WITHDRAWN, S.SUPERSEDED):
        raise DomainError("Choose withdrawn or superseded.")
    return move_status(action, to, by, reason=reason, today=today)



# --- due-date requests ---------------------------------------------------------------------------------


def pending_due_date_request(action: Action) -> DueDateRequest | None:
    return next((r for r in action.due_date_requests if r.status == RequestStatus.PENDING), None)


def request_due_date(action: Action, new_date: date, reason: str, by: User, today: date,
                     confirmed: bool | None = None) -> DueDateRequest:
    """An agency lead asks the business unit for a new due date, with a reason; one pending request
    per action."""
    reason = (reason or "").strip()
    if action.status not in (S.OPEN, S.IN_PROGRESS):
        raise DomainError(f"A new due date cannot be asked for on an action that is {action.status_label.lower()}.")
    if pending_due_date_request(action) is not None:
        raise DomainError("A request for a new due date is already waiting for the business unit.")
    if new_date is None:
        raise DomainError("Enter the new due date you are asking for.", field="due_date")
    if new_date == action.due_date:
        raise DomainError("The new due date is the same as the current one.", field="due_date")
    if new_date < today:
        raise DomainError("The new due date cannot be in the past.", field="due_date")
    check_due_date(new_date, action.recommendation.review, today, label="The new due date", confirmed=confirmed)
    if not reason:
        raise DomainError("Enter the reason the due date needs to move.", field="reason")
    request = DueDateRequest(action=action, current_due_date=action.due_date, requested_date=new_date,
                             reason=reason, requested_by_id=by.id, requested_at=utcnow(),
                             status=RequestStatus.PENDING)
    db.session.add(request)
    db.session.flush()
    return request


def approve_due_date_request(request: DueDateRequest, by: User, note: str = "") -> DueDateChange:
    """The business unit approves: the date moves through `move_due_date`, so the move joins the
    action's history with the lead's reason."""
    _check_pending(request)
    requester = request.requested_by.name if request.requested_by else "the agency lead"
    change = move_due_date(request.action, request.requested_date, f"Requested by {requester}: {request.reason}", by)  # checked when asked
    _decide_request(request, RequestStatus.APPROVED, by, note)
    return change


def decline_due_date_request(request: DueDateRequest, by: User, note: str) -> None:
    """A declined request keeps the due date; the lead is told why."""
    _check_pending(request)
    if not (note or "").strip():
        raise DomainError("Enter a note for the agency lead saying why the request is declined.", field="note")
    _decide_request(request, RequestStatus.DECLINED, by, note)


def _check_pending(request: DueDateRequest) -> None:
    if request.status != RequestStatus.PENDING:
        raise DomainError(f"This request has already been {request.status}.")


def _decide_request(request: DueDateRequest, outcome: RequestStatus, by: User, note: str) -> None:
    request.status = outcome
    request.decision_note = (note or "").strip()
    request.decided_by_id = by.id
    request.decided_at = utcnow()
    db.session.flush()


# --- impact reviews ------------------------------------------------------------------------------------


def record_impact_review(action: Action, *, outcome: str, note: str, next_review_date: date | None, by: User,
                         today: date, new_due_date: date | None = None) -> ImpactReview:
    """Has the change in practice lasted? Anything short of sustained needs a note saying what
    follows; a further check can be set for later, otherwise the action leaves the impact list.
    Not sustained reopens the action (back in progress, with a new due date: three months on unless
    one is given); the board's record of its assurance stays in the history."""
    if action.status != S.ASSURED:
        raise DomainError("Only an assured action has its impact reviewed.")
    if outcome not in {o.value for o in ImpactOutcome}:
        raise DomainError("Select whether the change has lasted.", field="outcome")
    note = (note or "").strip()
    if outcome != ImpactOutcome.SUSTAINED and not note:
        raise DomainError("Enter what was found and what follows.", field="note")
    if next_review_date is not None and next_review_date <= today:
        raise DomainError("The next impact review must be after today.", field="next_review_date")
    dates.check_planned(next_review_date, today, label="The next impact review", field="next_review_date")
    reopen = outcome == ImpactOutcome.NOT_SUSTAINED
    if reopen:
        next_review_date = None  # reassured later, it gets a new impact review date then
    review = ImpactReview(action=action, due_date=action.impact_review_date, outcome=outcome, note=note,
                          next_review_date=next_review_date, reviewed_date=today, recorded_by_id=by.id,
                          recorded_at=utcnow())
    action.impact_review_date = next_review_date
    db.session.add(review)
    db.session.flush()
    if reopen:
        reopen_action(action, by, f"Impact review: the change has not lasted. {note}", today, new_due_date)
    return review
