"""What a production install must change: each rule reads the configuration and says, in one line,
what is missing or unsafe. `flask check-config` prints them; in production mode (TRACKER_ENV=production)
the application refuses to start while any "unsafe" one holds (gunicorn's master refuses before any
worker starts: tracker/ops/gunicorn_conf.py).

"unsafe" problems stop a production start; "missing" ones (no mail) only switch a feature off."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

UNSAFE, MISSING = "unsafe", "missing"
#: Secrets seen in examples and tests: never acceptable in production, whatever their length.
KNOWN_SECRETS = {"test-secret-key", "dev", "secret", "change-me", "changeme", "please-change-me"}
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Problem:
    level: str  # UNSAFE or MISSING
    setting: str  # the environment variable to change
    message: str

    def line(self) -> str:
        return f"{self.level.upper():8} {self.setting}: {self.message}"


class UnsafeConfiguration(RuntimeError):
    """Production mode with an unsafe setting: the message names each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p.line()}" for p in problems)
        super().__init__(f"Follow Through will not start in production mode with these settings:\n{lines}\n"
                         "Run `flask check-config` for the full list; the README's Deploying section explains each.")


def web_workers(config: Mapping | None = None) -> int:
    """gunicorn workers per app server: TRACKER_WORKERS (or WEB_CONCURRENCY), else two per core plus
    one, at most 9 (each worker holds its own copy of the application, about 100 MB)."""
    configured = (config or {}).get("WORKERS") or os.environ.get("TRACKER_WORKERS") or os.environ.get("WEB_CONCURRENCY")
    if configured:
        return max(1, int(configured))
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def is_production(config: Mapping) -> bool:
    return str(config.get("ENV") or "").strip().lower() == "production"


def problems(config: Mapping, *, debug: bool = False) -> list[Problem]:
    """Every rule that the configuration breaks, unsafe ones first."""
    found: list[Problem] = []
    unsafe = lambda setting, message: found.append(Problem(UNSAFE, setting, message))  # noqa: E731
    servers = int(config.get("SERVERS") or 1)
    workers = web_workers(config)
    secret = str(config.get("SECRET_KEY") or "")
    database = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if secret in KNOWN_SECRETS:
        unsafe("TRACKER_SECRET_KEY", "the secret key is a published example: set a random one "
                                     "(python -c 'import secrets; print(secrets.token_hex(32))')")
    elif len(secret) < MIN_SECRET_LENGTH:
        unsafe("TRACKER_SECRET_KEY", f"the secret key is {len(secret)} characters long: use at least "
                                     f"{MIN_SECRET_LENGTH} random characters")
    if config.get("SECRET_KEY_FROM_FILE") and servers > 1:
        unsafe("TRACKER_SECRET_KEY", f"each of the {servers} servers generated its own secret key in its "
                                     "instance folder: a session signed by one is refused by the others; set one key for all")
    if database.startswith("sqlite") and servers > 1:
        unsafe("TRACKER_DATABASE_URL", f"SQLite cannot be shared by {servers} servers: use PostgreSQL "
                                       "(postgresql://user:password@host/dbname)")
    if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://") and workers * servers > 1:
        unsafe("TRACKER_REDIS_URL", f"sign-in rate limits are counted in memory by each of {workers * servers} "
                                    "workers, so the limit is that many times too high: set TRACKER_REDIS_URL "
                                    "(or TRACKER_RATELIMIT_STORAGE_URI)")
    if not config.get("REDIS_URL") and servers > 1:
        unsafe("TRACKER_REDIS_URL", "the task queue is a SQLite file in each server's instance folder: with "
                                    f"{servers} servers a report requested on one waits for that server's worker; use Redis")
    if not config.get("SESSION_COOKIE_SECURE"):
        unsafe("TRACKER_HTTPS", "the session cookie is not marked Secure: serve over HTTPS and set TRACKER_HTTPS=1")
    if str(config.get("STORAGE") or "local") == "local" and servers > 1:
        unsafe("TRACKER_STORAGE", f"files are kept on each server's own disk: with {servers} servers a file "
                                  "uploaded to one is missing on the others; use TRACKER_STORAGE=s3")
    if str(config.get("STORAGE") or "local") == "s3":
        for name in ("S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
            if not config.get(name):
                unsafe(f"TRACKER_{name}", f"TRACKER_STORAGE=s3 needs TRACKER_{name}")
    base_url = str(config.get("BASE_URL") or "")
    if not base_url:
        unsafe("TRACKER_BASE_URL", "no base URL: links in emails cannot be made "
                                   "(e.g. TRACKER_BASE_URL=https://followthrough.example.org)")
    elif not base_url.startswith("https://"):
        unsafe("TRACKER_BASE_URL", f"the base URL {base_url} is not https://")
    if debug or config.get("DEBUG"):
        unsafe("FLASK_DEBUG", "the debugger is on: anyone who can cause an error can run code on the server")
    if config.get("DEMO_MODE"):
        unsafe("TRACKER_DEMO_MODE", "demo mode shows the demo accounts and their password on the sign-in page")
    if not (config.get("MAIL_SERVER") and config.get("MAIL_SENDER")):
        found.append(Problem(MISSING, "TRACKER_MAIL_SERVER", "no mail server and sender: reminder and "
                                                             "account-lock emails are not sent"))
    return sorted(found, key=lambda p: p.level != UNSAFE)


def unsafe_problems(config: Mapping, *, debug: bool = False) -> list[Problem]:
    return [p for p in problems(config, debug=debug) if p.level == UNSAFE]


def refuse_unsafe(config: Mapping, *, debug: bool = False) -> None:
    """In production mode, raise UnsafeConfiguration naming every unsafe setting."""
    if is_production(config) and (found := unsafe_problems(config, debug=debug)):
        raise UnsafeConfiguration(found)
