"""Benchmark the agency packs on the ten-year data (`flask demo-data --scale large` on top of the demo):
every agency's pack as PDF and DOCX in one zip, as the queue worker makes it. Prints one line of JSON:
the wall time, the number of agencies and the zip's size.

    .venv/bin/python scripts/bench_packs.py [--no-pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-pdf", action="store_true", help="Only the DOCX files.")
    args = parser.parse_args()
    import flask_migrate

    with tempfile.TemporaryDirectory(prefix="bench-packs-") as folder:
        os.environ["INSTANCE_PATH"] = folder
        from tracker import create_app
        from tracker.demo.large import build_large
        from tracker.extensions import db
        from tracker.reports.packs import build_packs

        app = create_app()
        app.config["FIXED_TODAY"] = TODAY
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            build_large(TODAY)  # builds the demo data too
            db.session.commit()
            db.session.remove()
        steps: list[str] = []
        with app.test_request_context():
            start = time.perf_counter()
            content, files = build_packs(TODAY, steps.append, pdf=not args.no_pdf)
            seconds = time.perf_counter() - start
        with app.app_context():
            db.engine.dispose()
    print(json.dumps({"seconds": round(seconds, 2), "agencies": len(files), "bytes": len(content),
                      "steps": len(steps), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
