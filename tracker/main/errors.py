"""Error pages that reveal no stack trace or SQL."""

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

PLAIN_500 = ("<!DOCTYPE html><html lang=\"en-GB\"><title>Sorry, there is a problem with the service</title>"
             "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></html>")

PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 405: "errors/400.html",
         413: "errors/413.html", 429: "errors/429.html"}


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = PAGES.get(error.code)
        if template is None:
            return error
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        try:
            return render_template("errors/500.html"), 500
        except Exception:  # the page itself failed (database down?): say so plainly
            return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}
