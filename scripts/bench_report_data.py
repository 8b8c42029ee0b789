"""Benchmark the board report's data gathering with measures (issue 17 point 9): the whole
partnership's report as at the benchmark's day, on the ten-year data (about 12,000 actions, one in
sixty with five measures of forty measurements) and on the demo, each in its own process. Prints one
line of JSON per run: for each data set, the number of queries the whole gathering takes (the counts
must be equal: a fixed number whatever the size), the time of that first gathering (statements not
yet compiled), the median time of --runs gatherings after it, and the median time of --runs
gatherings of the impact section alone (what measures add to it).

    .venv/bin/python scripts/bench_report_data.py [--instance instance-bench] [--runs 5]

The databases are scripts/bench.py's (built there, or here when missing, the same way)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def gather(folder: Path, runs: int) -> dict:
    """In this process, on one database: the whole gathering once (its queries and time), then --runs
    times more, then the impact section's share of it (measures, measurements, reopenings, closures)
    --runs times."""
    os.environ["INSTANCE_PATH"] = str(folder)
    from sqlalchemy import event

    from tracker import create_app
    from tracker.extensions import db
    from tracker.reports.data import build_report_data, resolve_scope
    from tracker.reports.data.archive import load_period
    from tracker.reports.data.impact import load_impact
    from tracker.reports.data.scope import in_scope
    from tracker.settings import load_settings

    app = create_app()
    day = app.config["FIXED_TODAY"]
    queries = [0]

    def count(*args):
        queries[0] += 1

    def timed(work) -> tuple[float, object]:
        start = time.perf_counter()
        result = work()
        return time.perf_counter() - start, result

    def whole():
        return build_report_data(resolve_scope(day), load_settings(), partnership="Bench Partnership",
                                 generated_by="Bench", generated_at=datetime.now(UTC))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        first, data = timed(whole)
        event.remove(db.engine, "before_cursor_execute", count)
        wholes = [timed(whole)[0] for _ in range(runs)]
        scope = resolve_scope(day)
        selected, period = in_scope(scope), load_period(scope)
        impacts = []
        for _ in range(runs):
            seconds, impact = timed(lambda: load_impact(selected, period.start, day))
            impacts.append(seconds)
        db.session.remove()
        db.engine.dispose()
    return {"whole_seconds": round(statistics.median(wholes), 3), "whole_runs": [round(s, 3) for s in wholes],
            "first_seconds": round(first, 3), "queries": queries[0],
            "impact_seconds": round(statistics.median(impacts), 3), "impact_runs": [round(s, 3) for s in impacts],
            "actions": len(data.actions), "measures": len(impact.measures),
            "measurements": sum(len(m.points) for m in impact.measures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", type=Path, default=ROOT / "instance-bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--_one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._one:
        print(json.dumps(gather(args._one, args.runs)))
        return
    import bench

    out = {}
    for scale in ("large", "demo"):
        folder = args.instance.resolve() / scale
        bench.build(folder, scale, 1, False)
        child = subprocess.run([sys.executable, __file__, "--_one", str(folder), "--runs", str(args.runs)],
                               capture_output=True, text=True, cwd=ROOT)
        if child.returncode:
            raise SystemExit(f"Gathering the report's data on {folder} failed:\n{child.stderr[-3000:]}")
        out[scale] = json.loads(child.stdout.strip().splitlines()[-1])
    out["load_average"] = [round(n, 2) for n in os.getloadavg()]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
