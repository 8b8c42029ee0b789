"""Posting a comment on an action, and finding whom it mentions.

A mention is `@` followed by a person's full name or email address. It resolves only to people who may
see the action (the same rule as the action page), so naming someone else sends them nothing and
tells them nothing. The view sends the emails after its commit: at once to those who chose that, and
the daily digest gathers the rest (tracker/reminders/services.py, mentions_section)."""

from __future__ import annotations

from sqlalchemy import or_, select

from tracker import permissions
from tracker.actions.models import Action
from tracker.comments.models import Comment, CommentMention
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.deputies.models import Deputy
from tracker.extensions import db
from tracker.users.models import READ_ALL_ROLES, Role, User

MAX_LENGTH = 5000


def _who_may_see(action: Action) -> list[User]:
    """Active people who may see the action: every role that reads all, the owning agency's leads, and
    any lead who deputises for its lead. One query (a partnership has a few hundred accounts)."""
    deputies = select(Deputy.deputy_id).where(Deputy.lead_id == action.lead_id, Deputy.ended_at.is_(None))
    return list(db.session.scalars(select(User).where(User.active.is_(True), or_(
        User.role.in_([r.value for r in READ_ALL_ROLES]),
        (User.role == Role.AGENCY_LEAD) & (User.agency_id == action.owner_agency_id),
        User.id.in_(deputies) if action.lead_id else False))))


def mentioned(action: Action, text: str, author: User) -> list[User]:
    """The people the text names with @name or @email, who may see the action (not the author)."""
    lowered = (text or "").lower()
    if "@" not in lowered:
        return []
    return [u for u in _who_may_see(action) if u.id != author.id and permissions.can_view_action(u, action)
            and (f"@{u.email.lower()}" in lowered or f"@{u.name.lower()}" in lowered)]


def post_comment(action: Action, *, by: User, text: str) -> tuple[Comment, list[User]]:
    text = (text or "").strip()
    if not permissions.can_comment(by, action):
        raise DomainError("Only the action's lead, the business unit and the scrutineer comment on actions.")
    if not text:
        raise DomainError("Enter your comment.", field="text")
    if len(text) > MAX_LENGTH:
        raise DomainError(f"A comment must be {MAX_LENGTH:,} characters or fewer.", field="text")
    comment = Comment(action_id=action.id, author_id=by.id, text=text, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    people = mentioned(action, text, by)
    db.session.add_all(CommentMention(comment_id=comment.id, user_id=u.id) for u in people)
    db.session.flush()
    return comment, people


def set_digest_choice(user: User, digest: bool) -> None:
    user.notify_digest = bool(digest)
    db.session.flush()
