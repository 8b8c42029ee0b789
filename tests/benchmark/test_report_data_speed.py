"""Issue 17 point 9 (`-m benchmark`): the board report's data gathering with measures on the ten-year
data: the whole gathering (every section, the impact section with its measures included) in under
0.5 s (median of five, after a first gathering that compiles the statements), in the same number of
queries as on the demo (scripts/bench_report_data.py, each data set in its own process). A run that
misses is measured once more, as the page benchmark does, since this machine's speed varies from run
to run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 0.5


def test_ten_year_report_data_is_gathered_in_half_a_second_in_fixed_queries(ten_year_instance, capsys):
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_report_data.py"),
                                "--instance", str(ten_year_instance)], cwd=ROOT, capture_output=True, text=True,
                               timeout=1800)
        assert child.returncode == 0, child.stderr[-3000:]
        result = json.loads(child.stdout.strip().splitlines()[-1])
        with capsys.disabled():
            print(f"\nReport data benchmark, run {attempt}: {result}")
        if result["large"]["whole_seconds"] < SECONDS:
            break
    large, demo = result["large"], result["demo"]
    assert large["actions"] > 10_000 and large["measures"] > 500  # the ten-year size, with its measures
    assert large["queries"] == demo["queries"], "the queries grow with the data"
    assert large["whole_seconds"] < SECONDS, f"median {large['whole_seconds']} s"
