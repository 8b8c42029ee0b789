"""Small pieces every blueprint's views use."""

from functools import lru_cache

from flask import current_app
from flask_login import current_user

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.users.models import User


def signed_in_user() -> User:
    """The real User behind Flask-Login's proxy, to hand to services and permissions."""
    return current_user._get_current_object()


def show_error(form, error: DomainError) -> None:
    """Put a service's refusal on the field it is about, or at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def page_size() -> int:
    return max(1, min(int(current_app.config.get("PAGE_SIZE", 25)), 100))


def parse_id(value) -> int | None:
    """A record id or page number from a query string or form: plain ASCII digits that fit in a
    database integer, else None ('²' is a digit to str.isdigit and a crash to int)."""
    if isinstance(value, int):
        return value if 0 <= value < 2**31 else None
    value = (value or "").strip() if isinstance(value, str) else ""
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return None


def run_service(form, call):
    """Run one service verb for a submitted form and commit; on a DomainError roll back, put the
    refusal on the form and return None. Returns what the service returned, or True."""
    from tracker.extensions import db

    try:
        result = call()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    return True if result is None else result


def form_status(form) -> int:
    """A form shown again with errors answers 422, so tests and tools can tell it from a fresh form."""
    return 422 if form.errors else 200


def id_choices(blank: str, stmt) -> tuple[tuple[str, str], ...]:
    """A filter list's choices from (id, label part, ...) rows: ("", blank) first, then each id with
    its label parts joined by a space. The same rows give the same tuple object, so the choices, and
    the option markup select_options keeps per distinct list, are built once, not on every request."""
    # fetched at once (iterating a result fetches row by row), then plain tuples, which hash and compare fast
    return _id_choices(blank, tuple(map(tuple, db.session.execute(stmt).all())))


@lru_cache(maxsize=32)
def _id_choices(blank: str, rows: tuple[tuple, ...]) -> tuple[tuple[str, str], ...]:
    return (("", blank), *((str(row[0]), " ".join(row[1:])) for row in rows))
