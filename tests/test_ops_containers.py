"""The container files' shape (this machine cannot run containers: the README says so, and
tests/test_ops_serve.py runs the same gunicorn command as real processes)."""

import json
import re
from pathlib import Path

import yaml

from tracker.config import ENVIRONMENT_SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [tuple(line.split(None, 1)) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_compose_has_every_part_of_the_layout():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "seaweedfs", "migrate", "web-1", "web-2", "worker"}
    for name in ("web-1", "web-2"):
        assert services[name]["command"] == ["gunicorn", "-c", "tracker/ops/gunicorn_conf.py", "wsgi:app"]
    assert services["migrate"]["command"] == ["flask", "migrate-once"] and services["migrate"]["restart"] == "no"
    assert services["worker"]["command"][0] == "huey_consumer" and services["worker"]["stop_signal"] == "SIGINT"


def test_every_service_waits_for_what_it_needs_to_be_healthy():
    services = _compose()["services"]
    for name in ("postgres", "redis", "seaweedfs", "web-1", "web-2"):
        assert services[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["web-1"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                                 "seaweedfs": {"condition": "service_healthy"}}
    for name in ("web-1", "web-2", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"] == {"condition": "service_completed_successfully"}
        assert needs["redis"] == needs["seaweedfs"] == {"condition": "service_healthy"}
        assert set(needs) <= set(services)


def test_the_app_services_run_production_mode_with_shared_state():
    services = _compose()["services"]
    environments = [services[n]["environment"] for n in ("migrate", "web-1", "web-2", "worker")]
    assert all(env == environments[0] for env in environments)  # one set of settings
    env = environments[0]
    assert env["TRACKER_ENV"] == "production" and env["TRACKER_SERVERS"] == "2"
    assert env["TRACKER_DATABASE_URL"].startswith("postgresql://")
    assert env["TRACKER_REDIS_URL"].startswith("redis://redis:") and env["TRACKER_STORAGE"] == "s3"
    assert env["TRACKER_S3_ENDPOINT"].startswith("http://seaweedfs:")
    documented = {f"TRACKER_{name}" for name, _ in ENVIRONMENT_SETTINGS} | {"TRACKER_DATABASE_URL",
                                                                           "TRACKER_SECRET_KEY", "TRACKER_HTTPS"}
    assert set(env) <= documented  # no setting the application does not read
    assert "${TRACKER_SECRET_KEY:?" in (ROOT / "compose.yaml").read_text()  # never a default secret


def test_the_s3_identity_file_is_json():
    identities = json.loads((ROOT / "deploy" / "seaweedfs-s3.json").read_text())["identities"]
    assert identities[0]["credentials"][0]["accessKey"]


def test_the_dockerfile_is_a_slim_debian_image_run_by_a_plain_user_with_a_healthcheck():
    instructions = _dockerfile()
    froms = [args for kind, args in instructions if kind == "FROM"]
    assert froms[-1] == "python:3.11-slim-bookworm" and froms[0].startswith("node:")  # npm assets built
    installs = " ".join(args for kind, args in instructions if kind == "RUN")
    for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "npm ci", "build_assets.py"):
        assert library in installs
    users = [args for kind, args in instructions if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert [i for i, (kind, _) in enumerate(instructions) if kind == "USER"][-1] > max(
        i for i, (kind, _) in enumerate(instructions) if kind == "RUN")  # nothing runs as root after it
    healthcheck = next(args for kind, args in instructions if kind == "HEALTHCHECK")
    assert "/healthz" in healthcheck
    command = json.loads(next(args for kind, args in instructions if kind == "CMD"))
    assert command == ["gunicorn", "-c", "tracker/ops/gunicorn_conf.py", "wsgi:app"]
    copied = " ".join(args for kind, args in instructions if kind == "COPY")
    for needed in ("tracker", "migrations", "templates", "wsgi.py"):
        assert needed in copied
