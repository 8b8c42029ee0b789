"""The production rules (tracker/ops/checks.py): each unsafe setting is named in one clear line by
`flask check-config`, and production mode refuses to start while any holds."""

import pytest

from tracker import create_app
from tracker.ops import checks

SAFE = {
    "ENV": "production",
    "SECRET_KEY": "7f3a" * 16,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://tracker:pw@db/tracker",
    "SERVERS": 2,
    "WORKERS": 3,
    "REDIS_URL": "redis://redis:6379/0",
    "RATELIMIT_STORAGE_URI": "redis://redis:6379/0",
    "SESSION_COOKIE_SECURE": True,
    "STORAGE": "s3",
    "S3_BUCKET": "evidence",
    "S3_ACCESS_KEY": "key",
    "S3_SECRET_KEY": "secret-key",
    "BASE_URL": "https://followthrough.example.org",
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_SENDER": "Follow Through <ft@example.org>",
}


def test_a_safe_production_configuration_has_no_problem():
    assert checks.problems(SAFE) == []


@pytest.mark.parametrize(("change", "setting", "words"), [
    ({"SECRET_KEY": "test-secret-key"}, "TRACKER_SECRET_KEY", "published example"),
    ({"SECRET_KEY": "short-but-not-a-known-one"}, "TRACKER_SECRET_KEY", "25 characters long"),
    ({"SECRET_KEY_FROM_FILE": True}, "TRACKER_SECRET_KEY", "each of the 2 servers generated its own"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/tracker.sqlite"}, "TRACKER_DATABASE_URL", "SQLite cannot be shared by 2"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "TRACKER_REDIS_URL", "counted in memory by each of 6 workers"),
    ({"REDIS_URL": None}, "TRACKER_REDIS_URL", "task queue is a SQLite file"),
    ({"SESSION_COOKIE_SECURE": False}, "TRACKER_HTTPS", "not marked Secure"),
    ({"STORAGE": "local"}, "TRACKER_STORAGE", "uploaded to one is missing on the others"),
    ({"S3_BUCKET": None}, "TRACKER_S3_BUCKET", "TRACKER_STORAGE=s3 needs TRACKER_S3_BUCKET"),
    ({"BASE_URL": None}, "TRACKER_BASE_URL", "no base URL"),
    ({"BASE_URL": "http://followthrough.example.org"}, "TRACKER_BASE_URL", "is not https://"),
    ({"DEBUG": True}, "FLASK_DEBUG", "the debugger is on"),
    ({"DEMO_MODE": True}, "TRACKER_DEMO_MODE", "demo accounts and their password"),
])
def test_each_unsafe_setting_is_named_in_one_line(change, setting, words):
    found = checks.problems(SAFE | change)
    assert [(p.level, p.setting) for p in found] == [(checks.UNSAFE, setting)]
    assert words in found[0].message
    assert found[0].line().startswith(f"UNSAFE   {setting}: ")


def test_one_server_with_one_worker_may_use_sqlite_local_files_and_memory_limits():
    single = SAFE | {"SERVERS": 1, "WORKERS": 1, "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/t.sqlite",
                     "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None, "STORAGE": "local",
                     "SECRET_KEY_FROM_FILE": True}
    assert checks.problems(single) == []
    # Several workers on that one server: the in-memory limit is the only problem.
    assert [p.setting for p in checks.problems(single | {"WORKERS": 4})] == ["TRACKER_REDIS_URL"]


def test_no_mail_is_missing_not_unsafe():
    found = checks.problems(SAFE | {"MAIL_SERVER": None})
    assert [(p.level, p.setting) for p in found] == [(checks.MISSING, "TRACKER_MAIL_SERVER")]
    checks.refuse_unsafe(SAFE | {"MAIL_SERVER": None})  # starts


def test_workers_come_from_the_setting_or_the_core_count(monkeypatch):
    monkeypatch.delenv("TRACKER_WORKERS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(checks.os, "cpu_count", lambda: 2)
    assert checks.web_workers() == 5
    monkeypatch.setattr(checks.os, "cpu_count", lambda: 16)
    assert checks.web_workers() == 9
    monkeypatch.setenv("TRACKER_WORKERS", "3")
    assert checks.web_workers() == 3
    assert checks.web_workers({"WORKERS": 2}) == 2


def _environment(monkeypatch, tmp_path, **settings):
    for name in ("DATABASE_URL", "SECRET_KEY", "TRACKER_WORKERS", "WEB_CONCURRENCY", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


SAFE_ENVIRONMENT = {
    "TRACKER_ENV": "production", "TRACKER_SECRET_KEY": "7f3a" * 16, "TRACKER_WORKERS": "1",
    "TRACKER_HTTPS": "1", "TRACKER_BASE_URL": "https://followthrough.example.org",
}


def test_production_mode_refuses_to_start_naming_each_unsafe_setting(monkeypatch, tmp_path):
    _environment(monkeypatch, tmp_path, **SAFE_ENVIRONMENT | {"TRACKER_SECRET_KEY": "changeme",
                                                              "TRACKER_DEMO_MODE": "1"})
    with pytest.raises(checks.UnsafeConfiguration) as refused:
        create_app()
    message = str(refused.value)
    assert "will not start in production mode" in message
    assert "TRACKER_SECRET_KEY: the secret key is a published example" in message
    assert "TRACKER_DEMO_MODE: demo mode" in message
    assert "TRACKER_HTTPS" not in message


def test_production_mode_starts_with_safe_settings_and_development_mode_with_any(monkeypatch, tmp_path):
    _environment(monkeypatch, tmp_path, **SAFE_ENVIRONMENT)
    assert create_app().config["ENV"] == "production"
    _environment(monkeypatch, tmp_path, TRACKER_ENV="development", TRACKER_SECRET_KEY="changeme")
    assert create_app().config["SECRET_KEY"] == "changeme"


def _check_config(monkeypatch):
    monkeypatch.setattr("sys.argv", ["flask", "check-config"])  # as the command line runs it
    app = create_app()
    return app.test_cli_runner().invoke(args=["check-config"], catch_exceptions=False)


def test_check_config_lists_each_problem_and_exits_1_when_unsafe(monkeypatch, tmp_path):
    _environment(monkeypatch, tmp_path, **SAFE_ENVIRONMENT | {"TRACKER_SERVERS": "2"})
    result = _check_config(monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Mode: production. 2 server(s) of 1 worker(s)."
    assert "UNSAFE   TRACKER_DATABASE_URL: SQLite cannot be shared by 2 servers: use PostgreSQL " \
           "(postgresql://user:password@host/dbname)" in lines
    assert [line.split(":")[0] for line in lines[1:-1]] == [
        "UNSAFE   TRACKER_DATABASE_URL", "UNSAFE   TRACKER_REDIS_URL", "UNSAFE   TRACKER_REDIS_URL",
        "UNSAFE   TRACKER_STORAGE", "MISSING  TRACKER_MAIL_SERVER"]
    assert lines[-1] == "4 unsafe setting(s): production mode refuses to start until they are changed."


def test_check_config_exits_0_when_nothing_is_unsafe(monkeypatch, tmp_path):
    _environment(monkeypatch, tmp_path, **SAFE_ENVIRONMENT | {"TRACKER_MAIL_SERVER": "smtp.example.org",
                                                              "TRACKER_MAIL_SENDER": "ft@example.org"})
    result = _check_config(monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Nothing unsafe for production."


def test_redis_url_is_the_rate_limit_storage_unless_one_is_given(monkeypatch, tmp_path):
    _environment(monkeypatch, tmp_path, TRACKER_REDIS_URL="redis://localhost:1/0")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://localhost:1/0"
    _environment(monkeypatch, tmp_path, TRACKER_REDIS_URL="redis://localhost:1/0",
                 TRACKER_RATELIMIT_STORAGE_URI="redis://localhost:2/5")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://localhost:2/5"
