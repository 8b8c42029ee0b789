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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 12 * 60 * 60
    TEMPLATES_AUTO_RELOAD = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    EVIDENCE_MAX_BYTES = 200 * 1024


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
