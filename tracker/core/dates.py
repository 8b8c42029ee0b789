"""Dates that make sense: the range every date field accepts, in one place. Nothing the tracker
records happened before EARLIEST; nothing is planned further ahead than HORIZON_YEARS (a due date, a
deadline, the next check of an action's impact) without the user confirming it, and nothing at all
further than LIMIT_YEARS. The forms refuse years outside 1900-2200 as not real; these rules give the
clear message for real dates that make no sense."""

from datetime import date

from tracker.core.errors import DomainError, FarAhead

EARLIEST = date(2000, 1, 1)
HORIZON_YEARS = 5  # further ahead than this, a plan is plausible but unusual: the user confirms it
LIMIT_YEARS = 20  # further ahead than this, a date is a slip of the keyboard: refused


def _years_ahead(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def horizon(today: date) -> date:
    """The furthest date anything may be planned for without confirming it: HORIZON_YEARS from today
    (28 February for 29 February)."""
    return _years_ahead(today, HORIZON_YEARS)


def limit(today: date) -> date:
    """The furthest date anything may be planned for at all, confirmed or not."""
    return _years_ahead(today, LIMIT_YEARS)


def say(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def check_past(value: date | None, today: date, *, label: str, field: str) -> None:
    """A date something happened: from EARLIEST to today."""
    if value is None:
        return
    if value < EARLIEST:
        raise DomainError(f"{label} must be on or after {say(EARLIEST)}", field=field)
    if value > today:
        raise DomainError(f"{label} must be today or in the past", field=field)


def check_planned(value: date | None, today: date, *, label: str, field: str, not_before: date | None = None,
                  not_before_what: str = "", confirmed: bool | None = None) -> None:
    """A date planned ahead: not before `not_before` (when given; else EARLIEST) and within the horizon.
    `confirmed` is None where the caller offers no confirmation step (beyond the horizon is refused),
    else False asks for it (FarAhead) and True accepts a date up to the limit."""
    if value is None:
        return
    earliest = not_before or EARLIEST
    if value < earliest:
        raise DomainError(f"{label} must be on or after {not_before_what or say(earliest)}"
                          + (f" ({say(earliest)})" if not_before_what else ""), field=field)
    if confirmed is not None and horizon(today) < value <= limit(today):
        if not confirmed:
            raise FarAhead(f"{label} is more than {HORIZON_YEARS} years ahead (after {say(horizon(today))}). "
                           f"Check the date. If it is right, confirm it and continue", field=field)
        return
    if value > horizon(today):
        years, furthest = (LIMIT_YEARS, limit(today)) if confirmed is not None else (HORIZON_YEARS, horizon(today))
        raise DomainError(f"{label} must be within {years} years, by {say(furthest)}", field=field)
