"""The story of one action in one list: progress updates, evidence, status changes, assurance
decisions, due-date moves and requests, scrutiny challenges and the emails that mentioned it, newest
first, each with who and when. One query per kind of record (a fixed number, whatever the history),
each bounded, so the page stays quick for the longest-running action. Withdrawn updates and evidence
are not current, so they are left out (the audit trail keeps them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker import permissions
from tracker.actions.models import (
    ActionStatus, AssuranceDecision, DueDateChange, DueDateRequest, ProgressUpdate, StatusChange,
)
from tracker.challenges.models import Challenge
from tracker.comments.models import Comment
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.reminders.models import MessageKind, ReminderItem, ReminderMessage
from tracker.users.models import User

#: The most entries one timeline shows (newest first); an action with more says so.
LIMIT = 200


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # comment | update | evidence | status | decision | due_date | request | challenge | email
    title: str
    who: str
    text: str = ""
    comment_id: int | None = None  # a comment, which its author (or the business unit) may withdraw
    author_id: int | None = None
    withdrawn_at: None = None

    @property
    def created_at(self) -> datetime:
        return self.at


def _label(status: str | None) -> str:
    return ActionStatus(status).label.lower() if status else "created"


def action_timeline(action_id: int, user: User, limit: int = LIMIT) -> tuple[list[Entry], bool]:
    """The action's entries, newest first, and whether older ones were left off."""
    who = aliased(User)
    name = who.name
    entries: list[Entry] = []

    def rows(stmt, at):
        return db.session.execute(stmt.order_by(at.desc()).limit(limit + 1)).all()

    for r in rows(select(ProgressUpdate.created_at, ProgressUpdate.update_date, ProgressUpdate.proposed_rating,
                         ProgressUpdate.narrative, name).outerjoin(who, who.id == ProgressUpdate.author_id)
                  .where(ProgressUpdate.action_id == action_id, ProgressUpdate.withdrawn_at.is_(None)),
                  ProgressUpdate.created_at):
        entries.append(Entry(r.created_at, "update", f"Progress update dated {r.update_date:%d/%m/%Y}, proposed "
                             f"{r.proposed_rating}", r.name or "Unknown", r.narrative))
    for r in rows(select(Evidence.created_at, Evidence.kind, Evidence.title, name)
                  .outerjoin(who, who.id == Evidence.supplied_by_id)
                  .where(Evidence.action_id == action_id, Evidence.withdrawn_at.is_(None)), Evidence.created_at):
        entries.append(Entry(r.created_at, "evidence", f"{EvidenceKind(r.kind).label} evidence added: {r.title}",
                             r.name or "Unknown"))
    for r in rows(select(StatusChange.changed_at, StatusChange.from_status, StatusChange.to_status,
                         StatusChange.reason, name).outerjoin(who, who.id == StatusChange.changed_by_id)
                  .where(StatusChange.action_id == action_id), StatusChange.changed_at):
        title = ("Created as a draft" if r.from_status is None
                 else f"Moved from {_label(r.from_status)} to {_label(r.to_status)}")
        entries.append(Entry(r.changed_at, "status", title, r.name or "Unknown", r.reason or ""))
    for r in rows(select(AssuranceDecision.decided_at, AssuranceDecision.decision, AssuranceDecision.reason, name)
                  .outerjoin(who, who.id == AssuranceDecision.decided_by_id)
                  .where(AssuranceDecision.action_id == action_id), AssuranceDecision.decided_at):
        entries.append(Entry(r.decided_at, "decision", f"Assurance decision: {r.decision}", r.name or "Unknown",
                             r.reason))
    for r in rows(select(DueDateChange.changed_at, DueDateChange.old_date, DueDateChange.new_date,
                         DueDateChange.reason, name).outerjoin(who, who.id == DueDateChange.changed_by_id)
                  .where(DueDateChange.action_id == action_id), DueDateChange.changed_at):
        entries.append(Entry(r.changed_at, "due_date", f"Due date moved from {r.old_date:%d/%m/%Y} to "
                             f"{r.new_date:%d/%m/%Y}", r.name or "Unknown", r.reason))
    for r in rows(select(DueDateRequest.requested_at, DueDateRequest.requested_date, DueDateRequest.reason,
                         DueDateRequest.status, name).outerjoin(who, who.id == DueDateRequest.requested_by_id)
                  .where(DueDateRequest.action_id == action_id), DueDateRequest.requested_at):
        entries.append(Entry(r.requested_at, "request", f"New due date of {r.requested_date:%d/%m/%Y} asked for "
                             f"({r.status})", r.name or "Unknown", r.reason))
    for r in rows(select(Challenge.created_at, Challenge.status, name).outerjoin(who, who.id == Challenge.raised_by_id)
                  .where(Challenge.action_id == action_id, permissions.visible_challenges_filter(user)),
                  Challenge.created_at):
        entries.append(Entry(r.created_at, "challenge", f"Scrutiny challenge raised ({r.status})", r.name or "Unknown"))
    for r in rows(select(ReminderMessage.sent_at, ReminderMessage.kind, ReminderMessage.recipient_name,
                         ReminderMessage.status)
                  .join(ReminderItem, ReminderItem.message_id == ReminderMessage.id)
                  .where(ReminderItem.action_id == action_id), ReminderMessage.sent_at):
        entries.append(Entry(r.sent_at, "email", f"Email sent: {MessageKind(r.kind).label}"
                             if r.status == "sent" else "Email failed", "Follow Through (the daily reminder job)",
                             f"To {r.recipient_name}"))
    for r in rows(select(Comment.id, Comment.created_at, Comment.author_id, Comment.text, name)
                  .outerjoin(who, who.id == Comment.author_id)
                  .where(Comment.action_id == action_id, Comment.withdrawn_at.is_(None)), Comment.created_at):
        entries.append(Entry(r.created_at, "comment", "Comment", r.name or "Unknown", r.text, comment_id=r.id,
                             author_id=r.author_id))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit], len(entries) > limit
