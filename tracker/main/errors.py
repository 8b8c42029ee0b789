"""Error pages that reveal no stack trace or SQL."""

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

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
        return render_template("errors/500.html"), 500
