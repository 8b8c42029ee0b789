"""Dates that make sense: the range every date field accepts, in one place. Nothing the tracker
records happened before EARLIEST; nothing is planned further ahead than HORIZON_YEARS (a due date, a
deadline, the next check of an action's impact). The forms refuse years outside 1900-2200 as not real;
these rules give the clear message for real dates that make no sense."""

from datetime import date

from tracker.errors import DomainError

EARLIEST = date(2000, 1, 1)
HORIZON_YEARS = 5


def horizon(today: date) -> date:
    """The furthest date anything may be planned for: HORIZON_YEARS from today (28 February for
    29 February)."""
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def _say(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def check_past(value: date | None, today: date, *, label: str, field: str) -> None:
    """A date something happened: from EARLIEST to today."""
    if value is None:
        return
    if value < EARLIEST:
        raise DomainError(f"{label} must be on or after {_say(EARLIEST)}", field=field)
    if value > today:
        raise DomainError(f"{label} must be today or in the past", field=field)


def check_planned(value: date | None, today: date, *, label: str, field: str, not_before: date | None = None,
                  not_before_what: str = "") -> None:
    """A date planned ahead: not before `not_before` (when given; else EARLIEST) and within the horizon."""
    if value is None:
        return
    earliest = not_before or EARLIEST
    if value < earliest:
        raise DomainError(f"{label} must be on or after {not_before_what or _say(earliest)}"
                          + (f" ({_say(earliest)})" if not_before_what else ""), field=field)
    if value > horizon(today):
        raise DomainError(f"{label} must be within {HORIZON_YEARS} years, by {_say(horizon(today))}", field=field)
