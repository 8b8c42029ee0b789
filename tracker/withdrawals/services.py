"""Withdraw a progress update, an evidence file, a comment or a due-date request posted by mistake. Nothing is deleted: the row is
marked withdrawn (who, when, why), so it leaves the action's current pages, lists and reports (the
Action.updates and Action.evidence relationships skip it) but stays in the audit trail and in the
as-at history of any day before the withdrawal (tracker/reports/data/history.py)."""

from sqlalchemy import select

from tracker import permissions
from tracker.actions.models import Action, DueDateRequest, ProgressUpdate, RequestStatus
from tracker.comments.models import Comment
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.users.models import User


def withdraw(action: Action, entry: ProgressUpdate | Evidence | Comment, *, by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if entry.action_id != action.id:
        raise DomainError("That record belongs to another action.")
    if entry.withdrawn_at is not None:
        raise DomainError("This has already been withdrawn.")
    if not permissions.can_withdraw_entry(by, action, entry):
        raise DomainError("Only its author, within the set period, or the business unit can withdraw this.")
    if not reason:
        raise DomainError("Enter the reason for withdrawing it.", field="reason")
    entry.withdrawn_at = utcnow()
    entry.withdrawn_by_id = by.id
    entry.withdrawal_reason = reason
    db.session.flush()
    if isinstance(entry, ProgressUpdate):
        _recount_latest_update(action)


def withdraw_due_date_request(action: Action, request: DueDateRequest, *, by: User, reason: str) -> None:
    """A request still waiting for the business unit, withdrawn: it leaves the queue and the action's page
    (the lead may ask again), and stays on the timeline and in the audit as withdrawn, by whom and why."""
    reason = (reason or "").strip()
    if request.action_id != action.id:
        raise DomainError("That request belongs to another action.")
    if request.status != RequestStatus.PENDING:
        raise DomainError(f"This request has already been {request.status}.")
    if not permissions.can_withdraw_due_date_request(by, action, request):
        raise DomainError("Only its author, within the set period, or the business unit can withdraw this.")
    if not reason:
        raise DomainError("Enter the reason for withdrawing it.", field="reason")
    request.status = RequestStatus.WITHDRAWN
    request.decided_by_id = by.id
    request.decided_at = utcnow()
    request.decision_note = reason
    db.session.flush()


def _recount_latest_update(action: Action) -> None:
    """The action's latest-update columns (which the rating reads) from the updates still current."""
    latest = db.session.execute(
        select(ProgressUpdate.update_date, ProgressUpdate.proposed_rating)
        .where(ProgressUpdate.action_id == action.id, ProgressUpdate.withdrawn_at.is_(None))
        .order_by(ProgressUpdate.update_date.desc(), ProgressUpdate.id.desc()).limit(1)).first()
    action.last_update_date = latest.update_date if latest else None
    action.last_proposed_rating = latest.proposed_rating if latest else None
    db.session.expire(action, ["updates"])
    db.session.flush()
