"""The benchmark as a test tier (`-m benchmark`, run by CI): ten years of data served by gunicorn with
two workers, every key page within its budgets (scripts/bench.py, which the README documents).

It builds its own databases in a temporary folder, so it measures the code and data of this checkout,
and prints its table whether it passes or fails."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]


def test_every_key_page_meets_its_budgets(tmp_path, capsys):
    child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--instance", str(tmp_path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=1800)
    with capsys.disabled():
        print("\n" + child.stdout + child.stderr)
    assert child.returncode == 0, "a budget was missed: see the table above"
    assert "Every budget met." in child.stdout
