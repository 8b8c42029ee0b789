"""Accounts and agencies."""

import re
from functools import cache

from sqlalchemy import func, select

from tracker.actions.models import LIVE_STATUSES, Action
from tracker.auth import notices
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.users.models import Agency, Role, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORD = "This password is too easy to guess: it is one of the most common passwords. Choose another."


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from leaked lists, as shipped (and maintained) by zxcvbn."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_rules(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """At least 12 characters, and not a common password, nor one easily guessed from them
    (zxcvbn's estimate: a common word with digits added, a keyboard row, a repeat, the user's name)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(f"The password must be {MAX_PASSWORD_LENGTH} characters or fewer.", field="password")
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    common = common_passwords()
    if lowered in common or (len(stem) >= 4 and stem in common and len(stem) >= len(lowered) - 4):
        raise DomainError(COMMON_PASSWORD, field="password")
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=[u for u in user_inputs if u])
    if result["score"] < 3:
        warning = result["feedback"].get("warning") or "It would be easy to guess."
        raise DomainError(f"This password is too easy to guess. {warning} Use three or more unrelated words.",
                          field="password")


def _check_role_agency(role: str, agency: Agency | None) -> None:
    if role not in {r.value for r in Role}:
        raise DomainError("Choose a role.", field="role")
    if role == Role.AGENCY_LEAD and agency is None:
        raise DomainError("Choose the agency this lead belongs to.", field="agency_id")


def create_user(*, email: str, name: str, role: str, agency: Agency | None, password: str) -> User:
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise DomainError("There is already an account with this email address.", field="email")
    _check_role_agency(role, agency)
    check_password_rules(password, user_inputs=(email, name))
    user = User(email=email, name=name.strip(), role=role,
                agency=agency if role == Role.AGENCY_LEAD else None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, email: str, name: str, role: str, agency: Agency | None, active: bool,
                by: User) -> None:
    email = email.strip().lower()
    clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id))
    if clash:
        raise DomainError("There is already an account with this email address.", field="email")
    _check_role_agency(role, agency)
    if user.id == by.id and (not active or role != user.role):
        raise DomainError("You cannot change your own role or disable your own account.", field="role")
    if user.active and not active:
        user.session_version += 1  # ends every session of a disabled account
    old_email = user.email
    user.email, user.name, user.role, user.active = email, name.strip(), role, active
    if old_email.lower() != email:
        notices.account_changed(user, "email address", to=old_email)
    user.agency = agency if role == Role.AGENCY_LEAD else None
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """A new password (set by an administrator or by the user): every session of the user ends, and a
    temporary lock is lifted."""
    check_password_rules(password, user_inputs=(user.email, user.name))
    user.set_password(password)
    user.session_version += 1
    user.password_changed_at = utcnow()
    user.failed_sign_ins, user.locked_until = 0, None
    db.session.flush()


def save_agency(agency: Agency | None, *, name: str, short_name: str, kind: str, aliases: list[str],
                active: bool = True) -> Agency:
    name, short_name = name.strip(), short_name.strip()
    for column, value, field in ((Agency.name, name, "name"), (Agency.short_name, short_name, "short_name")):
        query = select(Agency.id).where(func.lower(column) == value.lower())
        if agency is not None and agency.id is not None:
            query = query.where(Agency.id != agency.id)
        if db.session.scalar(query):
            raise DomainError(f"Another agency already uses {value!r}.", field=field)
    if agency is None:
        agency = Agency()
        db.session.add(agency)
    agency.name, agency.short_name, agency.kind = name, short_name, kind
    aliases = [a.strip() for a in aliases if a.strip()]
    if agency.aliases != aliases:  # compared first: a deferred column set unread records a change from nothing
        agency.aliases = aliases
    agency.active = active
    db.session.flush()
    return agency


# --- admin lists (added for the admin pages) ---

USER_SORTS = ("name", "email", "role", "last_sign_in")


def like_pattern(text: str) -> str:
    """A lower-case "contains" pattern for LIKE, with the wildcards in `text` taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def users_query(*, role: str | None = None, agency_id: int | None = None, search: str = "",
                sort: str = "name", direction: str = "asc"):
    """Accounts for the admin list: filtered by role, agency and a name or email fragment, with
    the agency loaded in the same statement."""
    from sqlalchemy.orm import joinedload

    stmt = select(User).options(joinedload(User.agency))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    if agency_id:
        stmt = stmt.where(User.agency_id == agency_id)
    if search := (search or "").strip():
        pattern = like_pattern(search)
        stmt = stmt.where(func.lower(User.name).like(pattern, escape="\\")
                          | func.lower(User.email).like(pattern, escape="\\"))
    descending = direction == "desc"
    if sort == "last_sign_in":
        column = User.last_sign_in_at
        # Never signed in sorts last either way.
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
        return stmt.order_by(order, User.name, User.id)
    column = {"email": func.lower(User.email), "role": User.role}.get(sort, func.lower(User.name))
    return stmt.order_by(column.desc() if descending else column.asc(), User.id)


def user_counts_by_role() -> dict[str, int]:
    """Active and disabled accounts per role, in one query, every role present."""
    counts = {role.value: 0 for role in Role}
    counts.update(dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all()))
    return counts


def user_counts_by_agency(agency_ids: list[int]) -> dict[int, int]:
    """How many accounts belong to each of these agencies, in one query."""
    if not agency_ids:
        return {}
    rows = db.session.execute(select(User.agency_id, func.count()).where(User.agency_id.in_(agency_ids))
                              .group_by(User.agency_id))
    return dict(rows.all())


def open_action_counts_by_agency(agency_ids: list[int]) -> dict[int, int]:
    """Live actions (open, in progress, submitted) owned by each of these agencies, in one query."""
    if not agency_ids:
        return {}
    rows = db.session.execute(
        select(Action.owner_agency_id, func.count())
        .where(Action.owner_agency_id.in_(agency_ids), Action.status.in_(LIVE_STATUSES))
        .group_by(Action.owner_agency_id))
    return dict(rows.all())
