#!/usr/bin/env python3
"""Where one benchmark page spends its CPU time, on the benchmark's own data (issue 13, point 8).

    .venv/bin/python scripts/profile_page.py "review page" [--instance instance-bench] [--requests 30] [--top 25]

Signs in as the page's account of scripts/bench.py's PAGES and requests the page in-process with the
test client, on the large data set `scripts/bench.py` builds (run it once first). It prints, for the
page: its CPU time per request without a profiler (the figure bench.py's "cpu ms" approximates, less
gunicorn's share), the time of each SQL statement of one request (slowest first), and a cProfile of
the requests: the project's own functions and templates by cumulative time, then every function by
its own time. Generators (a template's render, a query's rows) count one call per value they yield.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import bench  # scripts/ is on the path when this runs as a script

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="words of the page's name in bench.py's PAGES, e.g. 'review page'")
    parser.add_argument("--instance", type=Path, default=ROOT / "instance-bench")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    instance = args.instance / "large"
    if not (instance / "tracker.sqlite").exists():
        raise SystemExit(f"No benchmark data in {instance}: run scripts/bench.py first")
    matches = [p for p in bench.PAGES if args.page in p[0]]
    if not matches:
        raise SystemExit(f"No page named like {args.page!r}; pages: {', '.join(p[0] for p in bench.PAGES)}")
    name, email, path, _ = matches[0]

    os.environ["INSTANCE_PATH"] = str(instance)
    sys.path.insert(0, str(ROOT))
    # imported here, not at the top: INSTANCE_PATH must be set before the app is made
    from sqlalchemy import event

    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = next(g for g in bench.CSRF.search(page).groups() if g)
    if client.post("/sign-in", data={"email": email, "password": bench.PASSWORD, "csrf_token": token}).status_code != 302:
        raise SystemExit(f"Could not sign in as {email}")
    url = path.format(**bench.targets(instance))
    for _ in range(5):  # warm up: caches, compiled templates and statements
        assert client.get(url).status_code == 200, url

    started = time.process_time()
    for _ in range(args.requests):
        client.get(url)
    cpu = (time.process_time() - started) * 1000 / args.requests
    print(f"{name} ({url}, as {email}): {cpu:.1f} ms CPU per request in-process, no profiler\n")

    with app.app_context():
        engine = db.engine
    timings: list[tuple[float, str]] = []

    def before(conn, *_):
        conn.info["started"] = time.perf_counter()

    def after(conn, _cursor, statement, *_):
        timings.append(((time.perf_counter() - conn.info["started"]) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client.get(url)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"SQL of one request: {len(timings)} statements, {sum(t for t, _ in timings):.1f} ms")
    for ms, statement in sorted(timings, reverse=True)[:8]:
        print(f"  {ms:6.2f} ms  {' '.join(statement.split())[:160]}")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(url)
    profile.disable()
    for title, order, restriction in [("Project code by cumulative time", "cumulative", str(ROOT)),
                                      ("Every function by own time", "tottime", "")]:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats(order)
        stats.print_stats(restriction, args.top) if restriction else stats.print_stats(args.top)
        print(f"\n{title} ({args.requests} requests, with the profiler's overhead):")
        print(out.getvalue().split("\n\n", 2)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
