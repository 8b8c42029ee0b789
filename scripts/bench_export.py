#!/usr/bin/env python3
"""The export benchmark (issue 18 point 9): every action of the ten-year data (about 12,000) as XLSX
and as CSV, downloaded whole by the board member, in-process through the test client.

    .venv/bin/python scripts/bench_export.py [--instance DIR] [--runs 3] [--no-check]

Uses (or builds) the large-data instance of scripts/bench.py (DIR/large). Prints, per format, the
median wall time, the CPU time of this process, the size, and the peak of Python's allocations while
the XLSX is written (tracemalloc, a separate run: it slows the work it measures). Gates: XLSX < 10 s
and < 100 MB of allocations at the peak (rows are read in batches and written by openpyxl's
write-only mode, so the peak does not grow with the list); exit 1 if one is missed."""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import bench  # scripts/ is on the path when this runs as a script

XLSX_GATE_S = 10
PEAK_GATE_MB = 100


def download(client, fmt: str) -> int:
    with client.get(f"/actions/export.{fmt}") as response:
        assert response.status_code == 200, response.status_code
        return sum(len(chunk) for chunk in response.response)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=bench.ROOT / "instance-bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args()
    instance = args.instance / "large"
    bench.build(instance, "large", 1, rebuild=False)
    os.environ["INSTANCE_PATH"] = str(instance)
    sys.path.insert(0, str(bench.ROOT))
    from tracker import create_app

    app = create_app()
    client = app.test_client()
    token = next(g for g in bench.CSRF.search(client.get("/sign-in").get_data(as_text=True)).groups() if g)
    signed_in = client.post("/sign-in", data={"email": "board@example.org", "password": bench.PASSWORD,
                                              "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.status_code
    failed = False
    for fmt in ("xlsx", "csv"):
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            size = download(client, fmt)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        line = (f"{fmt}: median {statistics.median(walls):.2f} s (CPU {statistics.median(cpus):.2f} s), "
                f"{size / 1e6:.1f} MB")
        if fmt == "xlsx":
            missed = statistics.median(walls) >= XLSX_GATE_S
            failed |= missed
            line += f"  {'MISSED' if missed else 'ok'} (gate {XLSX_GATE_S} s)"
        print(line, flush=True)
    tracemalloc.start()
    download(client, "xlsx")
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    missed = peak >= PEAK_GATE_MB
    failed |= missed
    print(f"xlsx: peak Python allocations {peak:.1f} MB  {'MISSED' if missed else 'ok'} (gate {PEAK_GATE_MB} MB)")
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
