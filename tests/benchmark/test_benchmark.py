"""The benchmark as a test tier (`-m benchmark`, run by CI): ten years of data served by gunicorn with
two workers, every key page within its budgets, stated as multiples of a bare Flask + Jinja + SQLite
page measured in the same run (scripts/bench.py and scripts/bare_app.py, which the README documents).

It builds its databases in a temporary folder (shared with the tier's other ten-year benchmarks), so
it measures the code and data of this checkout, and prints its table whether it passes or fails.
This machine's speed varies by up to 40% from one run to the next, so a run that misses a budget is
measured once more (on the same data), and the test fails when the second run misses too."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]


def test_every_key_page_meets_its_budgets(ten_year_instance, capsys):
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--instance", str(ten_year_instance)],
                               cwd=ROOT, capture_output=True, text=True, timeout=1800)
        with capsys.disabled():
            print(f"\nBenchmark, run {attempt}:\n" + child.stdout + child.stderr)
        if child.returncode == 0:
            break
    assert child.returncode == 0, "a budget was missed twice: see the tables above"
    assert "Every budget met." in child.stdout
