"""Accounts and agencies."""

from sqlalchemy import func, select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.users.models import Agency, Role, User

MIN_PASSWORD_LENGTH = 12


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.", field="password")


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
    check_password_rules(password)
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
    user.email, user.name, user.role, user.active = email, name.strip(), role, active
    user.agency = agency if role == Role.AGENCY_LEAD else None
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.set_password(password)
    user.session_version += 1
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
    agency.aliases = [a.strip() for a in aliases if a.strip()]
    agency.active = active
    db.session.flush()
    return agency
