"""Benchmark issue 19's background documents on the ten-year data: every agency's pack (PDF and DOCX, one
zip) made as the queue worker makes it, and the yearly report chapter (DOCX, and PDF). Prints one line
of JSON: medians of --runs, each run's seconds, the progress the pack page showed, the load average.

    .venv/bin/python scripts/bench_packs.py [--instance DIR] [--runs 3] [--year 2025]

The data is the page benchmark's (scripts/bench.py: `flask demo-data --scale large` in DIR/large, built
once and reused). The packs are made by tracker.reports.tasks.run_packs, the queue task's own body, on a
queued PackRun row; every commit it makes is watched for the progress text the pack page shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import DAY, build  # scripts/bench.py: the same ten-year data, built the same way


def cpu() -> float:
    """CPU seconds of this process and its finished children (the PDF renderer): on a shared machine the
    wall clock also counts the time others took."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(instance: Path, runs: int, year: int) -> dict:
    os.environ["INSTANCE_PATH"] = str(instance)
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tracker import create_app
    from tracker.extensions import db
    from tracker.reports.models import PackRun, ReportStatus
    from tracker.reports.packs import request_packs
    from tracker.reports.render import html_to_pdf
    from tracker.reports.tasks import run_packs
    from tracker.reports.yearly import build_chapter, chapter_docx, chapter_html

    app = create_app()
    app.config["FIXED_TODAY"] = DAY
    packs, packs_cpu, agencies, shown, docx_s, pdf_s, yearly_cpu = [], [], 0, [], [], [], []
    with app.app_context():
        def watch(session) -> None:
            shown.extend(obj.progress for obj in session.dirty if isinstance(obj, PackRun))

        event.listen(Session, "before_commit", watch)
        for _ in range(runs):
            shown.clear()
            run = request_packs(DAY, "Benchmark")
            db.session.commit()
            start, used = time.perf_counter(), cpu()
            run_packs(run.id)
            packs.append(time.perf_counter() - start)
            packs_cpu.append(cpu() - used)
            run = db.session.get(PackRun, run.id)
            if run.status != ReportStatus.DONE:
                raise SystemExit(f"the pack run failed: {run.error}")
            agencies = len(run.files)
            db.session.remove()
        steps = list(shown)
        event.remove(Session, "before_commit", watch)
        for _ in range(runs):
            used = cpu()
            start = time.perf_counter()
            chapter_docx(build_chapter(year, DAY))
            docx_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            html_to_pdf(chapter_html(build_chapter(year, DAY)))
            pdf_s.append(time.perf_counter() - start)
            yearly_cpu.append(cpu() - used)
            db.session.remove()
        db.engine.dispose()
    return {"packs_seconds": round(statistics.median(packs), 2), "packs_runs": [round(s, 2) for s in packs],
            "packs_cpu_seconds": round(statistics.median(packs_cpu), 2),
            "agencies": agencies, "progress_steps": len(steps), "progress_sample": steps[:2] + steps[-2:],
            "yearly_docx_seconds": round(statistics.median(docx_s), 2),
            "yearly_pdf_seconds": round(statistics.median(pdf_s), 2),
            "yearly_cpu_seconds_both": round(statistics.median(yearly_cpu), 2),
            "yearly_runs": [[round(d, 2), round(p, 2)] for d, p in zip(docx_s, pdf_s, strict=True)],
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", type=Path, help="Keep (and reuse) the data here; default: a temporary folder.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025, help="The yearly chapter's reporting year.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-packs-") as folder:
        large = (args.instance or Path(folder)).resolve() / "large"
        build(large, "large", 1, rebuild=False)
        print(json.dumps(measure(large, args.runs, args.year)))


if __name__ == "__main__":
    main()
