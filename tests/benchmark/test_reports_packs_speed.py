"""Issue 19's budgets for the background documents on the ten-year data (`-m benchmark`): every agency's
pack, PDF and DOCX in one zip, made by the queue task's own body in under 60 s with its progress shown;
the yearly chapter, as DOCX and as PDF, each in under 15 s. Medians of three runs (scripts/bench_packs.py
on scripts/bench.py's data, built once in a temporary folder). A run that misses is measured once more,
as the page benchmark does, since this machine's speed varies from one run to the next.

On a quiet machine on 4 December 2026 the budgets are met: the packs in 19.8 s (median of three; 33.9 s
with one renderer process instead of two), the yearly DOCX in 3.4 s and PDF in 7.9 s. The test prints
whether each budget is met and fails only past a regression gate of 1.5 to 2 times the budgets, since
the machines CI runs on have measured two to three times slower than this one on other days."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
PACKS_SECONDS = 60  # issue 19's budgets
YEARLY_SECONDS = 15
PACKS_GATE_SECONDS = 90  # what fails the test: a regression (see above)
YEARLY_GATE_SECONDS = 30


def _met(result: dict, packs: float = PACKS_GATE_SECONDS, yearly: float = YEARLY_GATE_SECONDS) -> bool:
    return (result["packs_seconds"] < packs and result["yearly_docx_seconds"] < yearly
            and result["yearly_pdf_seconds"] < yearly)


def test_the_agency_packs_and_the_yearly_chapter_meet_their_budgets(ten_year_instance, capsys):
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_packs.py"), "--instance",
                                str(ten_year_instance), "--runs", "3"], cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
        assert child.returncode == 0, child.stderr[-2000:]
        result = json.loads(child.stdout.strip().splitlines()[-1])
        with capsys.disabled():
            print(f"\nPacks and yearly chapter benchmark, run {attempt}: {result}")
            if not _met(result, PACKS_SECONDS, YEARLY_SECONDS):
                print(f"Issue 19's budgets not met on this run: packs {result['packs_seconds']} s against {PACKS_SECONDS} s, "
                      f"yearly DOCX {result['yearly_docx_seconds']} s and PDF {result['yearly_pdf_seconds']} s "
                      f"against {YEARLY_SECONDS} s")
        if _met(result):
            break
    # Every agency of the ten-year data, and the page showed each step as it came.
    assert result["agencies"] >= 20
    assert result["progress_sample"][0] == "Gathering the data for every agency"
    assert result["progress_steps"] >= 2 * result["agencies"]
    assert result["packs_seconds"] < PACKS_GATE_SECONDS, f"packs: median {result['packs_seconds']} s"
    assert result["yearly_docx_seconds"] < YEARLY_GATE_SECONDS, f"yearly DOCX: median {result['yearly_docx_seconds']} s"
    assert result["yearly_pdf_seconds"] < YEARLY_GATE_SECONDS, f"yearly PDF: median {result['yearly_pdf_seconds']} s"
