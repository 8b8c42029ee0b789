"""Issue 19's budgets for the Word version (`-m benchmark`): the DOCX of the 600-action board report,
data gathering included, in under 10 s and 300 MB (medians of three runs, scripts/bench_docx.py, in
its own process so the memory is its own). A run that misses is measured once more, as the page
benchmark does, since this machine's speed varies from one run to the next."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 10
PEAK_MB = 300


def test_the_600_action_docx_meets_its_budgets(capsys):
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_docx.py"), "--runs", "3"],
                               cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert child.returncode == 0, child.stderr[-2000:]
        result = json.loads(child.stdout.strip().splitlines()[-1])
        with capsys.disabled():
            print(f"\nWord benchmark, run {attempt}: {result}")
        if result["seconds"] < SECONDS and result["peak_mb"] < PEAK_MB:
            break
    assert result["actions"] == 600
    assert result["seconds"] < SECONDS, f"median {result['seconds']} s"
    assert result["peak_mb"] < PEAK_MB, f"peak {result['peak_mb']} MB"
