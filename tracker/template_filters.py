"""Jinja filters that write dates, times and counts the way GOV.UK style asks.

Dates read "3 March 2025" (no leading zero, no ordinal); times read "2:05pm", "2pm", "midday",
"midnight", always in UK local time, whatever timezone the value was stored in.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from flask import Flask, has_request_context, request

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


def current_url_with(**changes: object) -> str:
    """The current page's URL with some query arguments replaced; None removes one.

    Lists keep the other filters when a table is re-sorted or paged, e.g.
    current_url_with(page=3) or current_url_with(sort="due", dir="desc", page=None).
    """
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = str(value)
    query = urlencode(list(args.items(multi=True)))
    path = quote(request.script_root + request.path)
    return f"{path}?{query}" if query else path


def cached_url_for(app: Flask):
    """Templates' url_for, remembering the URLs it has built.

    Why: a list page links every row (and every theme of every row), and Werkzeug builds each link
    afresh. Measured on the benchmark's ten-year data (in-process, the workers' CPU time per request,
    best of two runs of 30, 3 December 2026): actions list 15.8 ms with this against 17.0 ms with
    Flask's own url_for; reviews list 14.1 against 14.7; library search 14.9 against 15.2; theme
    page 43.5 against 45.9; review page 73.1 against 73.6. The list pages' budget is three times the
    bare page's CPU (scripts/bench.py), so the 4-7% on the busiest lists is kept.

    Built on public API only: it calls `app.url_for` (what `flask.url_for` calls) and is installed
    as a template global with `add_template_global`. A URL depends only on the endpoint, its
    arguments, the application root and (for ".name" endpoints) the current blueprint; anything else
    (external URLs, anchors, lists as arguments, no request at all) is built as usual.
    tests/test_url_for.py compares it with `flask.url_for` for every endpoint of the app, so an
    upgrade that makes a URL depend on something else fails there."""
    build = app.url_for

    @lru_cache(maxsize=4096)
    def cached(endpoint: str, root: str, blueprint: str | None, values: tuple) -> str:
        return build(endpoint, **dict(values))

    def url_for(endpoint: str, **values) -> str:
        if not has_request_context() or any(key.startswith("_") for key in values):
            return build(endpoint, **values)
        try:
            key = tuple(sorted(values.items()))
            hash(key)
        except TypeError:
            return build(endpoint, **values)
        return cached(endpoint, request.script_root, request.blueprint if endpoint.startswith(".") else None, key)

    return url_for


def register(app: Flask) -> None:
    app.add_template_global(cached_url_for(app), "url_for")
    app.add_template_global(current_url_with, "current_url_with")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(govuk_time, "govuk_time")
    app.add_template_filter(pluralise, "pluralise")
