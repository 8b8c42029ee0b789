"""The processes of a scaled-out install, started for real on loopback (issue 15, point 7): a throwaway
PostgreSQL, a redis-server, a SeaweedFS S3 server, app servers started as production starts them
(`gunicorn -c tracker/ops/gunicorn_conf.py wsgi:app`), each with its own instance folder (no shared
disk), and a Huey worker (`huey_consumer tracker.reports.consumer.huey`) on the Redis queue.

Used by tests/test_scaleout.py and by the scale-out benchmark (tests/benchmark/). Every process is
started in a session of its own and dies with the test process (PR_SET_PDEATHSIG)."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import redis

from tests.s3_server import _die_with_parent, free_ports

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SECRET = "scale-out-tests-shared-secret-key-0123456789abcdef"

#: Instance settings of every app server: sign-in with a password only (the second factor is tested
#: elsewhere), the tests' fixed day, and a low sign-in limit the tier proves is shared.
INSTANCE_CONFIG = """\
from datetime import date
TOTP_REQUIRED_ROLES = ()
FIXED_TODAY = date(2025, 6, 2)
SIGN_IN_RATE_LIMIT = "4 per minute"
LOCKOUT_THRESHOLD = 100
"""


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, wait: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    (port,) = free_ports(1)
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=_die_with_parent)  # noqa: PLW1509 - one prctl call, no lock
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                return process, url
            except redis.ConnectionError:
                time.sleep(0.1)
    finally:
        client.close()
    raise RuntimeError("redis-server did not answer")


def base_environment(database_url: str, redis_url: str, s3_environment: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))
           and k not in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH")}
    return env | s3_environment | {
        "TRACKER_DATABASE_URL": database_url, "TRACKER_REDIS_URL": redis_url, "TRACKER_SECRET_KEY": SECRET,
        "TRACKER_PROXY_HOPS": "1", "FLASK_APP": "wsgi.py"}


@dataclass
class Server:
    """One app server: gunicorn with the project's settings, its own instance folder and log."""

    name: str
    folder: Path
    env: dict[str, str]
    workers: int = 2
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def start(self) -> None:
        instance = self.folder / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        (instance / "config.py").write_text(INSTANCE_CONFIG)
        (self.port,) = free_ports(1)
        env = self.env | {"INSTANCE_PATH": str(instance), "TRACKER_WORKERS": str(self.workers),
                          "TRACKER_ACCESS_LOG": "0"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "tracker/ops/gunicorn_conf.py", "--bind", f"127.0.0.1:{self.port}",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent)  # noqa: PLW1509 - one prctl call, no lock
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server {self.name} did not answer:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the master and its workers: a crash, not a graceful stop."""
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class Worker:
    """The Huey consumer on the Redis queue, with an instance folder of its own."""

    folder: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None

    def start(self) -> None:
        instance = self.folder / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        (instance / "config.py").write_text(INSTANCE_CONFIG)
        with open(self.folder / "worker.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "huey_consumer"), "tracker.reports.consumer.huey", "--workers", "1", "--worker-type",
                 "thread"], cwd=ROOT, env=self.env | {"INSTANCE_PATH": str(instance)}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: PLW1509 - one prctl call, no lock

    def kill(self) -> None:
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process, signal.SIGINT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Browser:
    """A browser behind the proxy: its own cookies, its own forwarded address (the sign-in limit counts
    per address), pointed at one server or another by the load balancer."""

    address: str
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def request(self, base: str, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)
        headers = {"X-Forwarded-For": self.address}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def get(self, base: str, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request(base, "GET", path)

    def token(self, base: str, path: str) -> str:
        status, _, page = self.get(base, path)
        assert status == 200, (path, status)
        match = CSRF.search(page.decode())
        assert match, path
        return next(g for g in match.groups() if g)

    def post_form(self, base: str, path: str, fields: list[tuple[str, str]], form_page: str | None = None):
        """`form_page`: where the form is shown, when not at `path` itself."""
        fields = [("csrf_token", self.token(base, form_page or path)), *fields]
        return self.request(base, "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def sign_in(self, base: str, email: str, password: str) -> int:
        status, _, _ = self.post_form(base, "/sign-in", [("email", email), ("password", password)])
        return status

    def session_cookie(self) -> str:
        return next(c.value for c in self.cookies if c.name == "session")

    def use_session(self, value: str) -> None:
        self.cookies.set_cookie(http.cookiejar.Cookie(
            0, "session", value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}))


def multipart(fields: list[tuple[str, str]], filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "scaleout-boundary-7f3c"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send_partially(base: str, path: str, head: dict[str, str], body: bytes, sent: int) -> http.client.HTTPConnection:
    """A request whose body stops after `sent` bytes, its connection left open (a server killed now is
    killed mid-request)."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    connection.putrequest("POST", path)
    for name, value in head.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    connection.send(body[:sent])
    return connection
