"""Benchmark the Word version of the board report: time to gather the data and write the DOCX of the
600-action report, and the process's peak memory. Prints one line of JSON (medians of --runs).

    .venv/bin/python scripts/bench_docx.py [--actions 600] [--runs 3]

The data is built by scripts/bench_reports.py's generator in a throwaway SQLite database; the DOCX is
written in this process, as the queue worker does (the process does nothing else, so its peak
resident memory is the DOCX's cost plus the application's)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_reports import AS_AT, generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import flask_migrate

    with tempfile.TemporaryDirectory(prefix="bench-docx-") as folder:
        os.environ["INSTANCE_PATH"] = folder
        from tracker import create_app
        from tracker.extensions import db
        from tracker.reports.data import build_report_data, resolve_scope
        from tracker.reports.docx_render import render_docx
        from tracker.settings import load_settings

        app = create_app()
        app.config["FIXED_TODAY"] = AS_AT
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            generate(args.actions, AS_AT)
            db.session.commit()
            db.session.remove()
        seconds, sizes, actions = [], [], 0
        notes = {"summary": "Progress is **steady**.\n\n- One\n- Two", "purpose": "Assurance.", "asks": "Note it."}
        for _ in range(args.runs):
            with app.test_request_context():
                start = time.perf_counter()
                data = build_report_data(resolve_scope(AS_AT), load_settings(), partnership="Bench Partnership",
                                         generated_by="Bench", generated_at=datetime.now(UTC))
                content = render_docx(data, notes)
                seconds.append(time.perf_counter() - start)
                sizes.append(len(content))
                actions = len(data.actions)
                db.session.remove()
        with app.app_context():
            db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"actions": actions, "seconds": round(statistics.median(seconds), 3),
                      "runs": [round(s, 3) for s in seconds], "peak_mb": round(peak_mb, 1),
                      "bytes": statistics.median(sizes)}))


if __name__ == "__main__":
    main()
