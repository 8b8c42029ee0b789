"""Verbs on scrutiny challenges, and the queries their lists use. Services flush; the view commits.
Every row written here is recorded by the audit trail's after-flush listener."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import permissions
from tracker.actions.models import Action
from tracker.challenges.models import Challenge, ChallengeMessage, ChallengeStatus
from tracker.core import lengths
from tracker.core.clock import LONDON
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import Agency, Role, User

MESSAGE_MAX = lengths.MESSAGE

Subject = Review | Recommendation | Action


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Enter {what}", field="text")
    if len(text) > MESSAGE_MAX:
        raise DomainError(f"{what[0].upper()}{what[1:]} must be {MESSAGE_MAX:,} characters or fewer", field="text")
    return text


def raise_challenge(subject: Subject, *, agency: Agency | None, by: User, text: str) -> Challenge:
    """A challenge is addressed to one agency; one on an action goes to the agency that owns it."""
    if not permissions.can_raise_challenge(by):
        raise DomainError("Only the scrutineer and the business unit raise challenges")
    if agency is None or not agency.active:
        raise DomainError("Select the agency that must answer", field="agency_id")
    if isinstance(subject, Action) and agency.id != subject.owner_agency_id:
        raise DomainError(f"A challenge on an action goes to the agency that owns it "
                          f"({subject.owner_agency.name})", field="agency_id")
    text = _text(text, "the challenge")
    challenge = Challenge(agency=agency, raised_by_id=by.id, status=ChallengeStatus.OPEN,
                          created_at=utcnow(), **{_subject_field(subject): subject.id})
    challenge.messages.append(ChallengeMessage(author_id=by.id, text=text, created_at=challenge.created_at))
    db.session.add(challenge)
    db.session.flush()
    return challenge


def _subject_field(subject: Subject) -> str:
    return {Review: "review_id", Recommendation: "recommendation_id", Action: "action_id"}[type(subject)]


def post_message(challenge: Challenge, *, by: User, text: str) -> ChallengeMessage:
    """The addressed agency's answer marks the challenge answered; the challenger's reply puts it
    back to the agency."""
    if challenge.is_closed:
        raise DomainError("This challenge is closed: no more messages can be added")
    if permissions.can_answer_challenge(by, challenge):
        challenge.status = ChallengeStatus.ANSWERED
    elif permissions.can_reply_to_challenge(by, challenge):
        challenge.status = ChallengeStatus.OPEN
    else:
        raise DomainError("Only the addressed agency's lead answers, and only the scrutineer or the "
                          "business unit answers back")
    message = ChallengeMessage(challenge=challenge, author_id=by.id, text=_text(text, "your message"),
                               created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message


def close_challenge(challenge: Challenge, *, by: User, note: str = "") -> None:
    """The challenger's side closes a challenge, with an optional closing note for the thread."""
    if not permissions.can_close_challenge(by, challenge):
        raise DomainError("Only the scrutineer or the business unit closes a challenge, and only once")
    now = utcnow()
    if (note or "").strip():
        db.session.add(ChallengeMessage(challenge=challenge, author_id=by.id, text=_text(note, "the closing note"),
                                        created_at=now))
    challenge.status = ChallengeStatus.CLOSED
    challenge.closed_at = now
    challenge.closed_by_id = by.id
    db.session.flush()


# --- lists ---

@dataclass
class ChallengeFilters:
    status: str = "live"  # live (open or answered) | open | answered | closed | all
    agency_id: int | None = None

    STATUSES = ("live", "open", "answered", "closed", "all")

    @classmethod
    def from_args(cls, args) -> "ChallengeFilters":
        status = args.get("status") or "live"
        agency = (args.get("agency") or "").strip()
        return cls(status=status if status in cls.STATUSES else "live",
                   agency_id=int(agency) if agency.isascii() and agency.isdigit() and len(agency) < 10 else None)


def _with_subjects(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Challenge.agency), selectinload(Challenge.raised_by),
        selectinload(Challenge.review),
        selectinload(Challenge.recommendation).selectinload(Recommendation.review),
        selectinload(Challenge.action).selectinload(Action.review))


def challenges_query(user: User, filters: ChallengeFilters) -> Select:
    stmt = select(Challenge).where(permissions.visible_challenges_filter(user))
    if filters.status == "live":
        stmt = stmt.where(Challenge.status != ChallengeStatus.CLOSED)
    elif filters.status != "all":
        stmt = stmt.where(Challenge.status == filters.status)
    if filters.agency_id:
        stmt = stmt.where(Challenge.agency_id == filters.agency_id)
    return _with_subjects(stmt.order_by(Challenge.created_at.desc(), Challenge.id.desc()))


def live_challenges_on(user: User, *, review_id: int | None = None, recommendation_id: int | None = None,
                       action_id: int | None = None) -> list[Challenge]:
    """The challenges not yet closed on one review, recommendation or action that this user may see:
    one query (with its eager loads), however many there are."""
    column, value = next((c, v) for c, v in ((Challenge.review_id, review_id),
                                             (Challenge.recommendation_id, recommendation_id),
                                             (Challenge.action_id, action_id)) if v is not None)
    stmt = (select(Challenge).where(column == value, Challenge.status != ChallengeStatus.CLOSED,
                                    permissions.visible_challenges_filter(user))
            .options(joinedload(Challenge.agency))  # joined: one query whether or not there are any
            .order_by(Challenge.created_at, Challenge.id))
    return list(db.session.scalars(stmt))


def waiting_for_agency(user: User, limit: int) -> tuple[int, list[Challenge]]:
    """For an agency lead's home page: the challenges waiting for their agency's answer, oldest first."""
    if not user.has_role(Role.AGENCY_LEAD) or not user.agency_id:
        return 0, []
    where = (Challenge.agency_id == user.agency_id, Challenge.status == ChallengeStatus.OPEN)
    total = db.session.scalar(select(func.count()).select_from(Challenge).where(*where))
    if not total:
        return 0, []
    rows = db.session.scalars(_with_subjects(select(Challenge).where(*where)
                                             .order_by(Challenge.created_at, Challenge.id)).limit(limit)).all()
    return total, list(rows)


def age_in_days(challenge: Challenge, today: date) -> int:
    """Whole days since the challenge was raised (a UK calendar day)."""
    return max((today - challenge.created_at.astimezone(LONDON).date()).days, 0)
