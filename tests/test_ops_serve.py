"""`make run`'s own command (scripts/run.sh) serves: started on a free port with a fresh instance
folder, it upgrades the schema, loads the demo data, prints the address and the accounts, serves the
sign-in page through gunicorn with a JSON access log, and stops cleanly on SIGTERM. Slow (the demo
data): the `ops` tier."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.ops


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


def test_make_runs_command_serves_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env |= {"INSTANCE_PATH": str(tmp_path / "instance"), "PORT": str(port), "BIN": str(Path(sys.executable).parent),
            "TRACKER_WORKERS": "2"}
    with open(tmp_path / "stdout", "w") as out, open(tmp_path / "stderr", "w") as err:
        process = subprocess.Popen(["scripts/run.sh"], cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        deadline, page = time.monotonic() + 240, None
        while page is None and time.monotonic() < deadline and process.poll() is None:
            try:
                page = _get(f"http://127.0.0.1:{port}/sign-in")
            except OSError:
                time.sleep(0.5)
        assert page is not None, (tmp_path / "stderr").read_text()[-3000:]
        status, headers, body = page
        assert status == 200 and "Sign in" in body and "admin@example.org" in body  # demo mode lists the accounts
        assert headers["Server"] == "gunicorn" and len(headers["X-Request-ID"]) == 32
        assert _get(f"http://127.0.0.1:{port}/readyz")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    printed = (tmp_path / "stdout").read_text()
    logged = (tmp_path / "stderr").read_text()
    assert returncode == 0, logged[-3000:]
    assert f"Follow Through is starting at http://127.0.0.1:{port}/" in printed
    assert "admin@example.org" in printed
    access = [json.loads(line) for line in printed.splitlines() if '"type": "access"' in line]  # stdout
    assert {(a["path"], a["status"]) for a in access} >= {("/sign-in", 200), ("/readyz", 200)}
    assert all(a["request_id"] for a in access)
    assert "Shutting down: Master" in logged and "Traceback" not in logged
    assert (tmp_path / "instance" / "huey.sqlite").exists()  # the consumer ran on this instance's queue
