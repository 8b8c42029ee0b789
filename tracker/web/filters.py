"""The templates' filters and URL helpers: dates, times and counts worded by tracker/core/wording.py (the
same functions serve emails, reports and messages), and the current page's URL with arguments changed."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode

from flask import Flask, has_request_context, request

from tracker.core.wording import NOT_SET, govuk_date, govuk_datetime, govuk_time, pluralise  # noqa: F401 (re-exported)


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
