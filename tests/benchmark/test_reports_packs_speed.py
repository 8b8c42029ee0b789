"""Issue 19's budgets for the background documents on the ten-year data (`-m benchmark`): every agency's
pack, PDF and DOCX in one zip, made by the queue task's own body in under 60 s with its progress shown;
the yearly chapter, as DOCX and as PDF, each in under 15 s. Medians of three runs (scripts/bench_packs.py
on scripts/bench.py's data, built once in a temporary folder). A run that misses is measured once more,
as the page benchmark does, since this machine's speed varies from one run to the next."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
PACKS_SECONDS = 60
YEARLY_SECONDS = 15


def _met(result: dict) -> bool:
    return (result["packs_seconds"] < PACKS_SECONDS and result["yearly_docx_seconds"] < YEARLY_SECONDS
            and result["yearly_pdf_seconds"] < YEARLY_SECONDS)


def test_the_agency_packs_and_the_yearly_chapter_meet_their_budgets(tmp_path, capsys):
    for attempt in (1, 2):
        child = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_packs.py"), "--instance",
                                str(tmp_path), "--runs", "3"], cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
        assert child.returncode == 0, child.stderr[-2000:]
        result = json.loads(child.stdout.strip().splitlines()[-1])
        with capsys.disabled():
            print(f"\nPacks and yearly chapter benchmark, run {attempt}: {result}")
        if _met(result):
            break
    # Every agency of the ten-year data, and the page showed each step as it came.
    assert result["agencies"] >= 20
    assert result["progress_sample"][0] == "Gathering the data for every agency"
    assert result["progress_steps"] >= 2 * result["agencies"]
    assert result["packs_seconds"] < PACKS_SECONDS, f"packs: median {result['packs_seconds']} s"
    assert result["yearly_docx_seconds"] < YEARLY_SECONDS, f"yearly DOCX: median {result['yearly_docx_seconds']} s"
    assert result["yearly_pdf_seconds"] < YEARLY_SECONDS, f"yearly PDF: median {result['yearly_pdf_seconds']} s"
