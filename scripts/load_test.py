#!/usr/bin/env python3
"""The "no lost updates" load test: the app under gunicorn with several workers, and many concurrent
clients editing the same few actions through the real edit form (CSRF token, hidden version field).

Each client signs in as its own business-unit account, then repeatedly opens an action's edit form and
saves the description with a short token of its own appended. A save either succeeds (302) or meets
the conflict page (409), in which case the client opens the form again and retries. At the end:

  * every token whose save succeeded must be in the action's final description (otherwise an update
    was silently lost), and each action's version must have gone up by exactly its successful saves;
  * no response may be a 5xx, and the server's log may not mention "database is locked".

    .venv/bin/python scripts/load_test.py                      # SQLite (WAL, BEGIN IMMEDIATE)
    .venv/bin/python scripts/load_test.py --database-url postgresql+psycopg://...
    .venv/bin/python scripts/load_test.py --clients 8 --workers 2 --saves 5 --json   # the CI-sized run

Exit status 0 when every check passes."""

import argparse
import html
import http.client
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="version"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="version"')
DESCRIPTION = re.compile(r'<textarea[^>]*name="description"[^>]*>(.*?)</textarea>', re.S)


def _first(match) -> str | None:
    return next((g for g in match.groups() if g is not None), None) if match else None


# --- the instance ------------------------------------------------------------------------------------------


def prepare(instance: Path, database_url: str | None, clients: int, actions: int) -> dict:
    """A migrated database with one business-unit account per client and `actions` open actions."""
    instance.mkdir(parents=True, exist_ok=True)
    # Every client comes from 127.0.0.1, so the per-address sign-in limit is raised for the test;
    # the accounts sign in with a password only (the second factor is tested elsewhere).
    (instance / "config.py").write_text(
        'SIGN_IN_RATE_LIMIT = "100000 per minute"\nTOTP_REQUIRED_ROLES = ()\n')
    os.environ["INSTANCE_PATH"] = str(instance)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import flask_migrate

    from tracker import create_app
    from tracker.actions.services import create_action
    from tracker.extensions import db
    from tracker.recommendations.models import Recommendation, number_sort_key
    from tracker.reviews.models import Review
    from tracker.users.models import Agency, Role
    from tracker.users.services import create_user

    app = create_app()
    password = f"load-test-{secrets.token_urlsafe(12)}"
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        agency = Agency(name="Load Test Agency", short_name="LOAD", kind="agency", aliases=[])
        review = Review(reference="LOAD-1", title="Load test", review_type="cspr", status="published")
        db.session.add_all([agency, review])
        db.session.flush()
        rec = Recommendation(review=review, number="1", sort_key=number_sort_key("1"), text="Load test.",
                             kind="partnership", addressees=[agency])
        db.session.add(rec)
        emails = []
        for n in range(clients):
            user = create_user(email=f"load{n}@example.org", name=f"Load client {n}",
                               role=Role.BUSINESS_UNIT.value, agency=None, password=password)
            emails.append(user.email)
        staff = user
        today = date.today()
        ids = []
        for n in range(actions):
            action = create_action(rec, description=f"Action {n}.", owner=agency, lead=None,
                                   due_date=today + timedelta(days=90), success_measure="", by=staff,
                                   today=today, open_now=True)
            ids.append(action.id)
        db.session.commit()
        from tracker.actions.models import Action

        versions = dict(db.session.execute(db.select(Action.id, Action.version).where(Action.id.in_(ids))).all())
        db.session.remove()
        db.engine.dispose()
    return {"emails": emails, "password": password, "actions": ids, "versions": versions, "app": app}


def final_state(app, action_ids: list[int]) -> dict[int, tuple[str, int]]:
    from tracker.actions.models import Action
    from tracker.extensions import db

    with app.app_context():
        rows = db.session.execute(db.select(Action.id, Action.description, Action.version)
                                  .where(Action.id.in_(action_ids))).all()
        db.session.remove()
        db.engine.dispose()
    return {row.id: (row.description, row.version) for row in rows}


# --- the server -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(instance: Path, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(instance)}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {log}")
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


# --- the clients ------------------------------------------------------------------------------------------


class Client:
    """One browser: its own session cookie; a new connection per request (gunicorn's sync workers)."""

    def __init__(self, port: int, stats: dict, lock: threading.Lock):
        self.port, self.stats, self.lock = port, stats, lock
        self.cookie = ""

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, str]:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"User-Agent": "load-test", "Cookie": self.cookie}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.stats["requests"] += 1
            self.stats["latencies"].append(elapsed)
            if response.status >= 500:
                self.stats["errors_5xx"] += 1
            if "database is locked" in data:
                self.stats["locked"] += 1
        return response.status, data, response.getheader("Location") or ""

    def sign_in(self, email: str, password: str) -> None:
        _, page, _ = self.request("GET", "/sign-in")
        status, _, _ = self.request("POST", "/sign-in", {"email": email, "password": password,
                                                         "csrf_token": _first(CSRF.search(page))})
        if status != 302:
            raise SystemExit(f"Could not sign in as {email} ({status})")

    def save(self, action_id: int, token: str, max_tries: int = 50) -> bool:
        """Append `token` to the description; retry after each conflict. True once saved."""
        for _ in range(max_tries):
            status, page, _ = self.request("GET", f"/actions/{action_id}/edit")
            if status != 200:
                return False
            description = html.unescape(_first(DESCRIPTION.search(page)) or "").strip()
            fields = {"csrf_token": _first(CSRF.search(page)), "version": _first(VERSION.search(page)),
                      "description": f"{description} {token}", "owner_agency_id": self.owner, "lead_id": "",
                      "success_measure": ""}
            status, _, _ = self.request("POST", f"/actions/{action_id}/edit", fields)
            if status == 302:
                with self.lock:
                    self.stats["saved"] += 1
                return True
            if status == 409:
                with self.lock:
                    self.stats["conflicts"] += 1
                time.sleep(random.uniform(0, 0.02))
                continue
            return False
        return False


def run(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as tmp:
        instance = Path(tmp) / "instance"
        setup = prepare(instance, args.database_url, args.clients, args.actions)
        log = Path(tmp) / "gunicorn.log"
        process, port = serve(instance, args.workers, log)
        stats = {"requests": 0, "saved": 0, "conflicts": 0, "errors_5xx": 0, "locked": 0, "latencies": [],
                 "failed_saves": 0}
        lock = threading.Lock()
        successes: dict[int, list[str]] = {a: [] for a in setup["actions"]}
        try:
            clients = [Client(port, stats, lock) for _ in range(args.clients)]
            from tracker.extensions import db  # noqa: F401
            owner = None
            for client, email in zip(clients, setup["emails"]):
                client.sign_in(email, setup["password"])
            _, page, _ = clients[0].request("GET", f"/actions/{setup['actions'][0]}/edit")
            owner = re.search(r'<option value="(\d+)" selected', page).group(1)
            barrier = threading.Barrier(len(clients))

            def work(number: int, client: Client) -> None:
                client.owner = owner
                rng = random.Random(number)
                barrier.wait()
                for n in range(args.saves):
                    action_id = rng.choice(setup["actions"])
                    token = f"c{number}.{n}"
                    if client.save(action_id, token):
                        with lock:
                            successes[action_id].append(token)
                    else:
                        with lock:
                            stats["failed_saves"] += 1

            threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=30)
        server_log = log.read_text(errors="replace")
        final = final_state(setup["app"], setup["actions"])
    lost = 0
    version_mismatches = 0
    for action_id, tokens in successes.items():
        description, version = final[action_id]
        present = set(description.split())
        lost += sum(1 for t in tokens if t not in present)
        if version != setup["versions"][action_id] + len(tokens):
            version_mismatches += 1
    latencies = sorted(stats.pop("latencies"))
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers, "clients": args.clients, "actions": args.actions,
        "saves_attempted": args.clients * args.saves, **stats,
        "lost_updates": lost, "version_mismatches": version_mismatches,
        "server_log_locked": server_log.count("database is locked"),
        "server_log_tracebacks": server_log.count("Traceback"),
        "seconds": round(elapsed, 2), "requests_per_second": round(stats["requests"] / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
    }


def passed(result: dict) -> bool:
    return (result["lost_updates"] == 0 and result["version_mismatches"] == 0 and result["errors_5xx"] == 0
            and result["locked"] == 0 and result["server_log_locked"] == 0 and result["server_log_tracebacks"] == 0
            and result["failed_saves"] == 0 and result["saved"] == result["saves_attempted"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--actions", type=int, default=3, help="actions they all edit (default 3)")
    parser.add_argument("--saves", type=int, default=10, help="successful saves each client makes (default 10)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL URL (default: SQLite in a temporary instance folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(args)
    ok = passed(result)
    if args.json:
        print(json.dumps({**result, "passed": ok}))
    else:
        for key, value in result.items():
            print(f"{key:24} {value}")
        print("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
