from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.recommendations.models import Recommendation, recommendation_reference
from tracker.reviews.models import Review
from tracker.users.models import Agency, User


class ActionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ASSURED = "assured"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft", "open": "Open", "in_progress": "In progress",
            "submitted": "Submitted for assurance", "assured": "Assured", "withdrawn": "Withdrawn",
            "superseded": "Superseded",
        }[self.value]


# The status groups, each defined here once: queries, services, permissions, templates (through the
# Action properties) and reports all use these.

#: The agency is working on it: reminded, asked for updates in a round, overdue once past its date.
WORKING_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
#: Still live work for its agency: working, or waiting for the business unit's assurance.
LIVE_STATUSES = (*WORKING_STATUSES, ActionStatus.SUBMITTED)
#: Not yet submitted for assurance: the due date may still move.
UNSUBMITTED_STATUSES = (ActionStatus.DRAFT, *WORKING_STATUSES)
#: Finished with, one way or another.
CLOSED_STATUSES = (ActionStatus.ASSURED, ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED)
#: Not rated at all (Rating.NONE): never started, or closed without assurance.
UNRATED_STATUSES = (ActionStatus.DRAFT, ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED)


class Rating(StrEnum):
    BLUE = "blue"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NONE = "none"  # draft, withdrawn or superseded: not rated


#: The ratings an action can have, worst first: the order of every count, list and chart of them.
RATED = (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE)
#: The same with the unrated (None) last: the order of every table that counts all actions.
ALL_RATINGS = (*RATED, Rating.NONE)


def status_label(status: str, reopened_date: date | None) -> str:
    """"In progress (reopened)" wherever a reopened action is listed, until it is assured again."""
    label = ActionStatus(status).label
    return f"{label} (reopened)" if reopened_date is not None and status in LIVE_STATUSES else label


def action_reference(review_reference: str, recommendation_number: str, action_id: int) -> str:
    """An action's short reference, as the board report prints it and search finds it: its
    recommendation's reference and A with the action's id (ids never change; numbers of actions
    within a recommendation would, when one is withdrawn)."""
    return f"{recommendation_reference(review_reference, recommendation_number)} A{action_id}"


#: What the rating rule reads besides the status (see tracker/actions/ratings.py).
RATING_COLUMNS = ("due_date", "last_proposed_rating", "last_update_date", "opened_date")


class Action(db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("status != 'assured' OR assured_at IS NOT NULL", name="assured_has_time"),
        # The rating rule's columns after status: rating filters, counts and sorts read the index alone.
        # The id too on PostgreSQL, where a list's sorted ids come from the index without reading the
        # rows (SQLite's indexes hold the id, its rowid, already).
        Index("ix_actions_owner_status_rating", "owner_agency_id", "status", *RATING_COLUMNS,
              postgresql_include=["id"]),
        Index("ix_actions_status_rating", "status", *RATING_COLUMNS, postgresql_include=["id"]),
        # The reviews list counts each review's actions by rating: from the index alone on PostgreSQL,
        # the visibility rule's columns included.
        Index("ix_actions_review_id", "review_id",
              postgresql_include=["status", *RATING_COLUMNS, "owner_agency_id", "lead_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   index=True)
    # Copied from the recommendation so lists filter by review without a join.
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(String(lengths.DESCRIPTION))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    success_measure: Mapped[str] = mapped_column(String(lengths.DESCRIPTION), default="")
    original_due_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "status", 20), default=ActionStatus.DRAFT,
                                                 index=True)
    status_reason: Mapped[str] = mapped_column(String(lengths.REASON), default="")
    opened_date: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assured_date: Mapped[date | None] = mapped_column(Date)
    completed_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the action is assured: the business unit checks then that the change has lasted.
    impact_review_date: Mapped[date | None] = mapped_column(Date, index=True)
    # Set when an assured action is reopened (an impact review found the change had not lasted, or a
    # measurement fell below its target); cleared when it is assured again. The history is in status_changes.
    reopened_date: Mapped[date | None] = mapped_column(Date, index=True)
    # Kept by record_progress so that ratings can be filtered and sorted in SQL.
    last_update_date: Mapped[date | None] = mapped_column(Date, index=True)
    last_proposed_rating: Mapped[Rating | None] = mapped_column(enum_column(Rating, "last_proposed_rating", 10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it, so a stale edit cannot overwrite a newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    review: Mapped[Review] = relationship()
    owner_agency: Mapped[Agency] = relationship()
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    # Withdrawn updates and evidence leave the current pages and reports (they stay in the audit and in
    # the as-at history: tracker/reports/data/history.py reads the tables, not these lists).
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        primaryjoin="and_(Action.id == ProgressUpdate.action_id, ProgressUpdate.withdrawn_at.is_(None))",
        back_populates="action", order_by="desc(ProgressUpdate.update_date), desc(ProgressUpdate.id)",
        cascade="all, delete-orphan",
    )
    due_date_changes: Mapped[list["DueDateChange"]] = relationship(
        back_populates="action", order_by="DueDateChange.id", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list["StatusChange"]] = relationship(
        back_populates="action", order_by="StatusChange.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list["AssuranceDecision"]] = relationship(
        back_populates="action", order_by="AssuranceDecision.id", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Evidence"]] = relationship(  # noqa: F821
        primaryjoin="and_(Action.id == Evidence.action_id, Evidence.withdrawn_at.is_(None))",
        back_populates="action", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    due_date_requests: Mapped[list["DueDateRequest"]] = relationship(
        back_populates="action", order_by="DueDateRequest.id", cascade="all, delete-orphan"
    )
    impact_reviews: Mapped[list["ImpactReview"]] = relationship(
        back_populates="action", order_by="ImpactReview.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.reopened_date)

    @property
    def is_reopened(self) -> bool:
        return self.reopened_date is not None and self.status in LIVE_STATUSES

    @property
    def short_reference(self) -> str:
        """The code the board report prints for this action, e.g. "CSPR-2024-01 R3 A118"."""
        return action_reference(self.review.reference, self.recommendation.number, self.id)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_submitted(self) -> bool:
        return self.status == ActionStatus.SUBMITTED

    @property
    def is_assured(self) -> bool:
        return self.status == ActionStatus.ASSURED

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.status}>"


class StatusChange(db.Model):
    """Every workflow move, so the history (and past ratings) can be told again."""

    __tablename__ = "status_changes"
    #: An action's history in the order made: the as-at reports read the last change made by a day.
    __table_args__ = (Index("ix_status_changes_action_changed", "action_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(lengths.REASON), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return ActionStatus(self.to_status).label


class DueDateChange(db.Model):
    """A moved due date; the original is kept on the action and every move needs a reason."""

    __tablename__ = "due_date_changes"
    __table_args__ = (Index("ix_due_date_changes_action_changed", "action_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    old_date: Mapped[date] = mapped_column(Date)
    new_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(lengths.REASON))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="due_date_changes")
    changed_by: Mapped[User | None] = relationship()


class ProgressUpdate(db.Model):
    """A separate dated record per update: history is never overwritten."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        CheckConstraint("proposed_rating IN ('red', 'amber', 'green')", name="proposed_rating"),
        Index("ix_progress_updates_action_date", "action_id", "update_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    update_date: Mapped[date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(String(lengths.NARRATIVE), default="")
    proposed_rating: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The update round this update answered, if it was posted while a round asked for it.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("update_rounds.id", ondelete="SET NULL"), index=True)
    # Withdrawn as a mistake (tracker/withdrawals): kept, but no longer current.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(String(lengths.REASON), default="", server_default="")

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    round: Mapped["UpdateRound | None"] = relationship()  # noqa: F821


class Decision(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class AssuranceDecision(db.Model):
    __tablename__ = "assurance_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    decision: Mapped[Decision] = mapped_column(enum_column(Decision, "decision", 10))
    reason: Mapped[str] = mapped_column(String(lengths.REASON))
    # Why Blue is justified although a measure's latest value does not (yet) meet its target.
    justification: Mapped[str] = mapped_column(String(lengths.REASON), default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_accepted(self) -> bool:
        return self.decision == Decision.ACCEPTED


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    # Withdrawn as a mistake by its author or the business unit (tracker/withdrawals): never decided;
    # decided_by/decided_at say who withdrew it and when, decision_note why.
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"pending": "Waiting for the business unit", "approved": "Approved",
                "declined": "Declined", "withdrawn": "Withdrawn"}[self.value]


class DueDateRequest(db.Model):
    """An agency lead's request for a new due date, approved or declined by the business unit.
    An approved request moves the date through `move_due_date`, so the move is in the history too."""

    __tablename__ = "due_date_requests"
    __table_args__ = (
        CheckConstraint("status = 'pending' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
                        name="decided_has_who_and_when"),
        CheckConstraint("status != 'declined' OR decision_note != ''", name="declined_has_note"),
        # Only one pending request per action.
        Index("uq_due_date_requests_one_pending", "action_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_due_date_requests_status_requested", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    current_due_date: Mapped[date] = mapped_column(Date)
    requested_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(lengths.REASON))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "status", 10),
                                                  default=RequestStatus.PENDING)
    decision_note: Mapped[str] = mapped_column(String(lengths.REASON), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    action: Mapped[Action] = relationship(back_populates="due_date_requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label

    @property
    def is_declined(self) -> bool:
        return self.status == RequestStatus.DECLINED


class ImpactOutcome(StrEnum):
    SUSTAINED = "sustained"
    PARTLY = "partly"
    NOT_SUSTAINED = "not_sustained"

    @property
    def label(self) -> str:
        return {"sustained": "Sustained", "partly": "Partly sustained",
                "not_sustained": "Not sustained"}[self.value]


class ImpactReview(db.Model):
    """The business unit's later look at an assured action: has the change in practice lasted?"""

    __tablename__ = "impact_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[ImpactOutcome] = mapped_column(enum_column(ImpactOutcome, "outcome", 20))
    note: Mapped[str] = mapped_column(String(lengths.NARRATIVE), default="")
    next_review_date: Mapped[date | None] = mapped_column(Date)
    reviewed_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="impact_reviews")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def outcome_label(self) -> str:
        return ImpactOutcome(self.outcome).label
