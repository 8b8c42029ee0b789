"""Small pieces every blueprint's views use, and the one request lifecycle they follow: load the
object (404), check permission (403), call one service through `run_service` (which commits once, or
turns the service's refusal or a concurrent change into a message on the form), redirect.

Sign-in is required on every page unless its view is marked `@public` (tracker.auth.sessions)."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import abort, current_app, make_response
from sqlalchemy.orm.exc import StaleDataError

from tracker.core.errors import DomainError, FarAhead
from tracker.extensions import db
from tracker.users.current import signed_in_user  # noqa: F401  (the views' one import of the accessor)

#: What the loser of a race is told when no conflict page fits (a decision, a status move).
CHANGED_MEANWHILE = "Someone else changed this a moment ago. Check the page and try again."


def public(view: Callable) -> Callable:
    """Open this view to people who are not signed in (sign-in, its second step, health checks).
    Every other view requires sign-in."""
    view.is_public = True
    return view


def is_public(endpoint: str | None) -> bool:
    """Static files and the views marked @public. An unknown endpoint (a 404 or 405 in the making)
    counts as public, so it gets its own error page rather than a sign-in page."""
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return view is None or getattr(view, "is_public", False)


def require(allowed: bool) -> None:
    """Refuse (403) what a permission predicate of tracker.permissions does not allow."""
    if not allowed:
        abort(403)


def show_error(form, error: DomainError) -> None:
    """Put a service's refusal on the field it is about, or at the top of the form. A date beyond the
    horizon (FarAhead) also makes the form ask for confirmation."""
    if isinstance(error, FarAhead) and hasattr(form, "far_date_asked"):
        form.far_date_asked = True
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


def attempt(call: Callable[[], Any], *, changed_meanwhile: str = CHANGED_MEANWHILE,
            conflict: Callable[[], Any] | None = None, commit: bool = True) -> tuple[Any, DomainError | None]:
    """The one place a request's domain errors and edit conflicts are caught. Run one service verb
    and commit; returns (what it returned, None). If the service refuses (DomainError), or the row
    changed between this request's read and its write (SQLAlchemy's version check: StaleDataError,
    at the flush or the commit), roll the whole request back and return (None, the refusal); a
    concurrent change becomes the refusal `changed_meanwhile`, or, when `conflict` is given, the
    response it builds (the conflict page) is sent at once. commit=False is for a check that writes
    nothing: no commit, and nothing to roll back."""
    try:
        result = call()
        if commit:
            db.session.commit()
    except DomainError as error:
        if commit:
            db.session.rollback()
        return None, error
    except StaleDataError:
        db.session.rollback()
        if conflict is not None:
            abort(make_response(conflict()))
        return None, DomainError(changed_meanwhile)
    return result, None


def run_service(form, call: Callable[[], Any], *, show: Callable[[Any, DomainError], None] = show_error,
                changed_meanwhile: str = CHANGED_MEANWHILE, conflict: Callable[[], Any] | None = None):
    """Run one service verb for a submitted form (see `attempt`); a refusal goes on the form (`show`)
    and gives None. Returns what the service returned, or True."""
    result, refusal = attempt(call, changed_meanwhile=changed_meanwhile, conflict=conflict)
    if refusal is not None:
        show(form, refusal)
        return None
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
