"""Naming and ending a deputy. Services flush; the view commits and then tells both people by email."""

from datetime import date

from sqlalchemy import select

from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.deputies.models import Deputy
from tracker.extensions import db
from tracker.users.models import Role, User

#: The longest cover one naming gives: longer absences are a hand-over, not a deputy.
MAX_DAYS = 366


def name_deputy(lead: User, deputy: User | None, *, start: date | None, end: date | None, by: User,
                today: date) -> Deputy:
    """A lead names another active agency lead (of any agency) to act on their actions for a period."""
    if not lead.has_role(Role.AGENCY_LEAD):
        raise DomainError("Only an agency lead names a deputy.")
    if deputy is None:
        raise DomainError("Choose your deputy.", field="deputy_id")
    if deputy.id == lead.id:
        raise DomainError("Choose someone other than yourself.", field="deputy_id")
    if not deputy.active or not deputy.has_role(Role.AGENCY_LEAD):
        raise DomainError(f"{deputy.name} cannot be a deputy: choose an active agency lead.", field="deputy_id")
    if start is None:
        raise DomainError("Enter the first day of the cover.", field="start_date")
    if end is None:
        raise DomainError("Enter the last day of the cover.", field="end_date")
    if start < today:
        raise DomainError("The cover cannot start in the past.", field="start_date")
    if end < start:
        raise DomainError("The last day must be on or after the first day.", field="end_date")
    if (end - start).days >= MAX_DAYS:
        raise DomainError("A deputy covers a year at most: hand the actions over instead.", field="end_date")
    record = Deputy(lead_id=lead.id, deputy_id=deputy.id, start_date=start, end_date=end, created_by_id=by.id,
                    created_at=utcnow())
    db.session.add(record)
    db.session.flush()
    return record


def end_cover(record: Deputy, by: User) -> None:
    if record.ended_at is not None:
        raise DomainError("This cover has already ended.")
    record.ended_at = utcnow()
    db.session.flush()


def covers_for(lead: User, today: date) -> list[Deputy]:
    """The lead's current and future covers, soonest first (a bounded list: they end within a year)."""
    return list(db.session.scalars(
        select(Deputy).where(Deputy.lead_id == lead.id, Deputy.ended_at.is_(None), Deputy.end_date >= today)
        .order_by(Deputy.start_date, Deputy.id).limit(50)))


def covering(deputy: User, today: date) -> list[Deputy]:
    """Whom this person covers today or later."""
    return list(db.session.scalars(
        select(Deputy).where(Deputy.deputy_id == deputy.id, Deputy.ended_at.is_(None), Deputy.end_date >= today)
        .order_by(Deputy.start_date, Deputy.id).limit(50)))
