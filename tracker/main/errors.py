"""Error pages that reveal no stack trace or SQL: GOV.UK styled, never cached, each with a reference
that is also in the log line, so a user's report can be matched to what the server recorded."""

import logging
import secrets

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

PLAIN_500 = ("<!DOCTYPE html><html lang=\"en-GB\"><title>Sorry, there is a problem with the service</title>"
             "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
             "<p>Reference: {reference}</p></html>")

PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 405: "errors/405.html",
         413: "errors/413.html", 429: "errors/429.html"}

#: Answers a hostile or careless client causes all day: logged, but not as warnings.
QUIET = {404, 405}

NO_STORE = {"Cache-Control": "no-store"}


def new_reference() -> str:
    """Eight characters a user can read out on the phone (no 0/O or 1/I confusion in hex upper case)."""
    token = secrets.token_hex(4).upper()
    return f"{token[:4]}-{token[4:]}"


def error_page(template: str, code: int, **context):
    """Render an error page with a new reference, log that reference with the request, and forbid
    caching. Blueprint error handlers (evidence's 413) use this too."""
    reference = new_reference()
    level = logging.INFO if code in QUIET else logging.WARNING
    current_app.logger.log(level, "HTTP %s %s %s reference=%s", code, request.method, request.path, reference)
    headers = dict(NO_STORE)
    return render_template(template, reference=reference, **context), code, headers


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = PAGES.get(error.code)
        if template is None:
            return error
        body, code, headers = error_page(template, error.code, error=error)
        if error.code == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        for name, value in error.get_headers():
            if name == "Retry-After":
                headers[name] = value
        return body, code, headers

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        reference = new_reference()
        app.logger.exception("Unhandled error reference=%s %s %s", reference, request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        try:
            return render_template("errors/500.html", reference=reference), 500, dict(NO_STORE)
        except Exception:  # the page itself failed (database down?): say so plainly
            return (PLAIN_500.format(reference=reference), 500,
                    {"Content-Type": "text/html; charset=utf-8", **NO_STORE})
