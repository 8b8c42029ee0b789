"""JSON logs: one object a line on stderr, with the request id and the signed-in user's id (never a
name, an email or case text: log messages name records by id). Each request gets an id: the proxy's
X-Request-ID when it sends a sensible one, else a new one; it is echoed in the response's X-Request-ID,
so a user's report of a failed page can be matched to its log lines. gunicorn's access log is JSON too
(tracker/ops/gunicorn_conf.py), with the same two ids read from the WSGI environ."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
REQUEST_ID, USER_ID = "tracker.request_id", "tracker.user_id"  # keys in the WSGI environ
_SENSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The proxy's id if it is short and plain (it is copied into logs and a header), else a new one."""
    if header and _SENSIBLE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _current_user_id() -> int | None:
    """The signed-in user's id if this request already loaded the user (never a query of its own)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def register(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        g.request_id = request_id_from(request.headers.get(HEADER))
        request.environ[REQUEST_ID] = g.request_id

    @app.after_request
    def echo_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        if (user_id := _current_user_id()) is not None:
            request.environ[USER_ID] = user_id
        return response


class RequestContext(logging.Filter):
    """Adds request_id and user_id to records made while a request is being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.user_id = _current_user_id()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id and user_id (when known), the exception if any, and
    any fields passed as `extra={"fields": {...}}` (the access log's)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "user_id"):
            if getattr(record, key, None) is not None:
                entry[key] = getattr(record, key)
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    return handler


def use_json_logs(level: int = logging.INFO) -> None:
    """The root logger writes JSON to stderr (the application's logger, Flask's, SQLAlchemy's warnings)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_handler())
    root.setLevel(level)
    # /readyz reads the migrations' heads: alembic's start-up chatter is not worth a line per check.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
