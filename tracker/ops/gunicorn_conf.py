"""gunicorn's settings for every way Follow Through is served: `make run`, the container, the
scale-out tests and the benchmark all start

    gunicorn -c tracker/ops/gunicorn_conf.py wsgi:app

Settings from the environment: TRACKER_BIND (default 127.0.0.1:5000; a command-line -b wins),
TRACKER_WORKERS (default two per core plus one, at most 9; WEB_CONCURRENCY works too),
TRACKER_TIMEOUT (seconds a request may take, default 60), TRACKER_GRACEFUL_TIMEOUT (seconds a
SIGTERM waits for requests in progress, default 30), TRACKER_LOG_LEVEL (default info) and
TRACKER_ACCESS_LOG (1 by default; 0 turns the access log off).

Logs are JSON lines on stderr (tracker/ops/logs.py), the access log included: method, path, status,
bytes, duration, request id and user id. The query string is left out: search words are case text.

In production mode (TRACKER_ENV=production) the master refuses to start, naming each unsafe
setting, before any worker starts (tracker/ops/checks.py)."""

from __future__ import annotations

import logging
import os

from flask import Flask
from gunicorn.glogging import Logger

from tracker import configure
from tracker.ops import checks, logs

bind = [os.environ.get("TRACKER_BIND", "127.0.0.1:5000")]
workers = checks.web_workers()
worker_class = "sync"
timeout = int(os.environ.get("TRACKER_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("TRACKER_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (a slow leak never grows without bound); the jitter
# keeps the workers from all restarting at once.
max_requests = 2000
max_requests_jitter = 200
# The application reads X-Forwarded-* itself (ProxyFix, TRACKER_PROXY_HOPS): gunicorn must not.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
accesslog = "-" if os.environ.get("TRACKER_ACCESS_LOG", "1") != "0" else None
errorlog = "-"
loglevel = os.environ.get("TRACKER_LOG_LEVEL", "info")
# gunicorn's control socket (one path per user, ~/.gunicorn) would be shared by every server started by
# one user on one machine (the tests start several): off; signals do the same work.
control_socket_disable = True
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files: never on a slow or full disk


class JsonLogger(Logger):
    """gunicorn's own messages and its access log as JSON lines; the root logger (the application's
    messages) too, with the request and user ids."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(logs.JsonFormatter())
        logs.use_json_logs(self.LOG_LEVELS.get(cfg.loglevel.lower(), logging.INFO))

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "type": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "request_id": environ.get(logs.REQUEST_ID),
            "user_id": environ.get(logs.USER_ID),
        }
        self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"],
                             extra={"fields": fields})


logger_class = JsonLogger


def on_starting(server) -> None:
    """In production mode, refuse to start with an unsafe setting, before any worker is forked: the
    settings are read as create_app reads them (tracker.configure), without building the application
    (each worker builds its own)."""
    os.environ.setdefault("TRACKER_WORKERS", str(server.cfg.workers))  # a command-line -w counts too
    instance = os.environ.get("INSTANCE_PATH")
    app = Flask("tracker", instance_path=os.path.abspath(instance) if instance else None,
                instance_relative_config=True)
    try:
        configure(app, None)
    except checks.UnsafeConfiguration as refusal:
        server.log.error(str(refusal))
        raise SystemExit(1) from refusal
