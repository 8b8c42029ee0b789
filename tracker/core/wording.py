"""Dates, times and counts worded the way GOV.UK style asks, for pages, emails, reports and messages
alike (the templates' filters in tracker/web/filters.py are these functions).

Dates read "3 March 2025" (no leading zero, no ordinal); times read "2:05pm", "2pm", "midday",
"midnight", always in UK local time, whatever timezone the value was stored in.
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")
NOT_SET = "Not set"


def _to_uk_time(value: datetime) -> datetime:
    """Timestamps are stored in UTC; SQLite hands them back naive, so naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(UK_TIME)


def govuk_date(value: date | datetime | None) -> str:
    """A date as "3 March 2025"; a timestamp gives its UK calendar date; no value is "Not set"."""
    if value is None:
        return NOT_SET
    if isinstance(value, datetime):
        value = _to_uk_time(value).date()
    return f"{value.day} {value:%B %Y}"


def govuk_time(value: datetime) -> str:
    """A UK clock time as "2:05pm" or "2pm", with "midday" and "midnight" for 12 o'clock."""
    local = _to_uk_time(value)
    if local.minute == 0:
        if local.hour == 12:
            return "midday"
        if local.hour == 0:
            return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute == 0:
        return f"{hour}{suffix}"
    return f"{hour}:{local.minute:02d}{suffix}"


def govuk_datetime(value: datetime | None) -> str:
    """A timestamp as "3 March 2025 at 2:05pm" in UK time; no value is "Not set"."""
    if value is None:
        return NOT_SET
    return f"{govuk_date(value)} at {govuk_time(value)}"


def pluralise(count: int, singular: str, plural: str | None = None, with_count: bool = True) -> str:
    """ "1 action", "3 actions"; pass the plural for irregular words ("1 person", "2 people")."""
    word = singular if count == 1 else (plural if plural is not None else singular + "s")
    return f"{count:,} {word}" if with_count else word
