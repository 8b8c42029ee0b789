"""Settings. instance/config.py and environment variables override these defaults."""

import os
from pathlib import Path


class Config:
    SECRET_KEY: str | None = None  # set from instance/secret_key on first run
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite under the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    PARTNERSHIP_NAME = "Dudley Safeguarding People Partnership"
    # Evidence uploads: an allow-list of types, checked by content as well as by name.
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    # Rating thresholds: defaults for the settings page.
    AT_RISK_DAYS = 28
    STALE_UPDATE_DAYS = 90
    PAGE_SIZE = 25
    # Sessions. The cookie is HttpOnly and SameSite=Lax always, and Secure whenever the request came
    # over HTTPS (behind a proxy, set TRACKER_PROXY_FIX=1 so X-Forwarded-Proto is believed) or when
    # SESSION_COOKIE_SECURE is set (TRACKER_HTTPS=1).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PROXY_FIX = False
    IDLE_TIMEOUT_MINUTES = 30  # signed out after this long without a request
    IDLE_WARNING_SECONDS = 120  # the page warns this long before, with a button to stay signed in
    ABSOLUTE_TIMEOUT_HOURS = 12  # signed out this long after signing in, whatever the activity
    # A form's CSRF token lives as long as the longest session, so a long narrative is never lost.
    WTF_CSRF_TIME_LIMIT = 12 * 60 * 60
    # Sign-in protection: a rate limit per address (Flask-Limiter) and a temporary lock per account.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_RATE_LIMIT = "30 per minute;300 per hour"
    LOCKOUT_THRESHOLD = 5  # failures in a row before the account is locked
    LOCKOUT_MINUTES = 15
    # Second factor (TOTP with recovery codes): required for these roles, or for everyone.
    TOTP_REQUIRED_ROLES = ("admin", "business_unit")
    TOTP_REQUIRED_FOR_ALL = False
    TOTP_ISSUER = "Follow Through"
    TEMPLATES_AUTO_RELOAD = False
    # Email reminders (off until MAIL_SERVER and MAIL_SENDER are set). MAIL_SECURITY is "starttls"
    # (upgrade a plain connection, usually port 587), "ssl" (implicit TLS, usually port 465) or "none"
    # (a relay on the same machine). Links in the emails start with BASE_URL, e.g.
    # "https://followthrough.example.org": the command line has no request to take it from.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER: str | None = None  # e.g. "Follow Through <followthrough@example.org>"
    MAIL_TIMEOUT_SECONDS = 30
    MAIL_CA_FILE: str | None = None  # a private CA's certificate, if the mail server's is not publicly trusted
    BASE_URL: str | None = None
    # The task queue sends the day's reminders at the first hourly run from this hour (UK time).
    REMINDER_HOUR = 7
    # The month the partnership's reporting year starts (the yearly report chapter): April by default.
    REPORTING_YEAR_START_MONTH = 4
    # Demo mode (`make run` turns it on with TRACKER_DEMO_MODE=1): the sign-in page lists the published
    # demo accounts and their password, and shows those accounts their current second-factor code.
    # Never on a live service.
    DEMO_MODE = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    EVIDENCE_MAX_BYTES = 200 * 1024
    # The shared fixtures sign in staff with a password only; tests of the second factor turn the
    # requirement back on (tests/test_auth_totp.py).
    TOTP_REQUIRED_ROLES = ()


def load_environment(app) -> None:
    """DATABASE_URL, SECRET_KEY, PARTNERSHIP_NAME and TRACKER_* variables override config."""
    if url := os.environ.get("DATABASE_URL"):
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for key in ("SECRET_KEY", "PARTNERSHIP_NAME"):
        if value := os.environ.get(key):
            app.config[key] = value
    for key, kind in (("IDLE_TIMEOUT_MINUTES", int), ("ABSOLUTE_TIMEOUT_HOURS", int), ("LOCKOUT_THRESHOLD", int),
                      ("LOCKOUT_MINUTES", int), ("RATELIMIT_STORAGE_URI", str), ("SIGN_IN_RATE_LIMIT", str),
                      ("TOTP_REQUIRED_FOR_ALL", _flag), ("SESSION_COOKIE_SECURE", _flag), ("PROXY_FIX", _flag),
                      ("MAIL_SERVER", str), ("MAIL_PORT", int), ("MAIL_SECURITY", str), ("MAIL_USERNAME", str),
                      ("MAIL_PASSWORD", str), ("MAIL_SENDER", str), ("MAIL_TIMEOUT_SECONDS", int), ("MAIL_CA_FILE", str),
                      ("BASE_URL", str), ("REMINDER_HOUR", int), ("DEMO_MODE", _flag),
                      ("REPORTING_YEAR_START_MONTH", int)):
        if (value := os.environ.get(f"TRACKER_{key}")) is not None:
            app.config[key] = kind(value)
    if (roles := os.environ.get("TRACKER_TOTP_REQUIRED_ROLES")) is not None:  # e.g. "admin,business_unit" or ""
        app.config["TOTP_REQUIRED_ROLES"] = tuple(r.strip() for r in roles.split(",") if r.strip())
    if _flag(os.environ.get("TRACKER_HTTPS", "")):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "tracker.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(os.urandom(32).hex())
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    app.config.setdefault("UPLOAD_FOLDER", str(Path(app.instance_path) / "evidence"))
    app.config["MAX_CONTENT_LENGTH"] = app.config["EVIDENCE_MAX_BYTES"] + 1024 * 1024


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def check(app) -> None:
    """Settings that must agree with each other."""
    idle = int(app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None and app.config["WTF_CSRF_TIME_LIMIT"] < idle:
        app.config["WTF_CSRF_TIME_LIMIT"] = max(idle, int(app.config["ABSOLUTE_TIMEOUT_HOURS"]) * 3600)
