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
    # Changing the second factor, the email address or the password needs the password again when it
    # was last entered more than this long ago.
    REAUTH_MINUTES = 5
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
    # How many processes lay out a batch of PDFs (the agency packs) side by side: each takes a run of the
    # agencies, so on a queue worker with two cores or more the packs take about half the time.
    REPORT_RENDER_PROCESSES = 2
    # Demo mode (`make run` turns it on with TRACKER_DEMO_MODE=1): the sign-in page lists the published
    # demo accounts and their password, and shows those accounts their current second-factor code.
    # Never on a live service.
    DEMO_MODE = False
    # Running in production (the "Deploying" section of the README lists every setting). ENV is
    # "production" to refuse to start with an unsafe setting (tracker/ops/checks.py has the rules).
    ENV = "development"
    # How many app servers share the database, and how many gunicorn workers each runs (None: from
    # the core count, tracker/ops/checks.py web_workers): the checks need both, nothing else does.
    SERVERS = 1
    WORKERS: int | None = None
    # Redis: the task queue (tracker/reports/tasks.py reads TRACKER_REDIS_URL itself) and, unless
    # RATELIMIT_STORAGE_URI says otherwise, the sign-in rate limits.
    REDIS_URL: str | None = None
    # Trusted proxies in front of the app servers: how many X-Forwarded-For/-Proto/-Host hops to believe.
    PROXY_HOPS = 0
    # File storage (evidence, archived reports, source documents): "local" (UPLOAD_FOLDER under the
    # instance folder) or "s3". The storage backend reads the S3_* settings.
    STORAGE = "local"
    S3_ENDPOINT: str | None = None
    S3_BUCKET: str | None = None
    S3_ACCESS_KEY: str | None = None
    S3_SECRET_KEY: str | None = None
    S3_REGION: str | None = None
    # SECRET_KEY_FROM_FILE is set when the key was generated into instance/secret_key (one per server).
    SECRET_KEY_FROM_FILE = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    EVIDENCE_MAX_BYTES = 200 * 1024
    # The shared fixtures sign in staff with a password only; tests of the second factor turn the
    # requirement back on (tests/test_auth_totp.py).
    TOTP_REQUIRED_ROLES = ()


#: TRACKER_<name> variables read by load_environment, and how each is read. The README's "Settings"
#: table lists every one (tests/test_ops_settings.py checks that it does).
ENVIRONMENT_SETTINGS = (
    ("IDLE_TIMEOUT_MINUTES", int), ("ABSOLUTE_TIMEOUT_HOURS", int), ("LOCKOUT_THRESHOLD", int),
    ("LOCKOUT_MINUTES", int), ("REAUTH_MINUTES", int), ("RATELIMIT_STORAGE_URI", str), ("SIGN_IN_RATE_LIMIT", str),
    ("TOTP_REQUIRED_FOR_ALL", "flag"), ("SESSION_COOKIE_SECURE", "flag"), ("PROXY_FIX", "flag"),
    ("MAIL_SERVER", str), ("MAIL_PORT", int), ("MAIL_SECURITY", str), ("MAIL_USERNAME", str),
    ("MAIL_PASSWORD", str), ("MAIL_SENDER", str), ("MAIL_TIMEOUT_SECONDS", int), ("MAIL_CA_FILE", str),
    ("BASE_URL", str), ("REMINDER_HOUR", int), ("DEMO_MODE", "flag"),
    ("ENV", str), ("SERVERS", int), ("WORKERS", int), ("REDIS_URL", str), ("PROXY_HOPS", int),
    ("STORAGE", str), ("S3_ENDPOINT", str), ("S3_BUCKET", str), ("S3_ACCESS_KEY", str),
    ("S3_SECRET_KEY", str), ("S3_REGION", str), ("REPORTING_YEAR_START_MONTH", int),
    ("REPORT_RENDER_PROCESSES", int),
)

#: Read as TRACKER_<name> or, as before, without the prefix.
UNPREFIXED_TOO = ("SECRET_KEY", "PARTNERSHIP_NAME")


def load_environment(app) -> None:
    """DATABASE_URL, SECRET_KEY, PARTNERSHIP_NAME and TRACKER_* variables override config
    (TRACKER_DATABASE_URL and TRACKER_SECRET_KEY are the same as the first two)."""
    if url := os.environ.get("TRACKER_DATABASE_URL") or os.environ.get("DATABASE_URL"):
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for key in UNPREFIXED_TOO:
        if value := os.environ.get(f"TRACKER_{key}") or os.environ.get(key):
            app.config[key] = value
    for key, kind in ENVIRONMENT_SETTINGS:
        if (value := os.environ.get(f"TRACKER_{key}")) is not None:
            app.config[key] = _flag(value) if kind == "flag" else kind(value)
    if app.config.get("REDIS_URL") and "TRACKER_RATELIMIT_STORAGE_URI" not in os.environ:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
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
        app.config["SECRET_KEY_FROM_FILE"] = True
    app.config.setdefault("UPLOAD_FOLDER", str(Path(app.instance_path) / "evidence"))
    app.config["MAX_CONTENT_LENGTH"] = app.config["EVIDENCE_MAX_BYTES"] + 1024 * 1024


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def proxy_hops(config) -> int:
    """PROXY_HOPS, or one hop for the older switch TRACKER_PROXY_FIX=1."""
    return int(config.get("PROXY_HOPS") or 0) or (1 if config.get("PROXY_FIX") else 0)


def check(app) -> None:
    """Settings that must agree with each other."""
    idle = int(app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None and app.config["WTF_CSRF_TIME_LIMIT"] < idle:
        app.config["WTF_CSRF_TIME_LIMIT"] = max(idle, int(app.config["ABSOLUTE_TIMEOUT_HOURS"]) * 3600)
