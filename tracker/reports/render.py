"""Steps two and three of a report: HTML from a template, then a PDF from the HTML.

The PDF is laid out by WeasyPrint in a separate process (`python -m tracker.reports.pdf_worker`) with a
time limit and a memory limit, so a huge report can neither hold a web worker nor take the machine
down. That process fetches nothing but files under the report's own asset folder: no network.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from tracker.limited import LimitExceeded, run_limited
from tracker.reports import commentary
from tracker.reports.charts import report_charts
from tracker.reports.data import ReportData


class RenderError(Exception):
    """The PDF could not be made (too slow, too big, or WeasyPrint failed)."""


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0


def assets_dir() -> Path:
    """The only folder the PDF renderer may read: the report's stylesheet lives here."""
    return Path(current_app.static_folder) / "reports"


def render_report_html(data: ReportData, notes: dict[str, str] | None = None) -> str:
    """The report's HTML, with the commentary (if any) beside each part. Rendered straight from the
    Jinja environment: no request, user or navigation is involved, so the CLI, the queue consumer and a
    request all produce the same document."""
    template = current_app.jinja_env.get_template("reports/board_report.html")
    return template.render(data=data, charts=report_charts(data, prefix="pdf"), **commentary_context(notes))


def commentary_context(notes: dict[str, str] | None) -> dict:
    """`note(key)`: the commentary for a part of the report as safe HTML (empty when there is none)."""
    notes = notes or {}
    return {"note": lambda key: commentary.to_html(notes.get(key), "commentary"), "notes": notes}


def _run_worker(source: bytes, extra: list[str], timeout: float | None, memory_mb: int | None,
                on_progress: Callable[[str], None] | None = None) -> tuple[bytes, dict]:
    """The PDF worker in its limited process: its stdout, and the statistics from its stderr."""
    config = current_app.config
    timeout = timeout or config.get("REPORT_RENDER_TIMEOUT", 300)
    memory_mb = memory_mb or config.get("REPORT_RENDER_MEMORY_MB", 2048)
    try:
        done = run_limited([sys.executable, "-m", "tracker.reports.pdf_worker", str(assets_dir()), *extra],
                           input=source, timeout=timeout, memory_mb=memory_mb, on_progress=on_progress)
    except LimitExceeded as error:
        if error.kind == "time":
            raise RenderError(f"The PDF took longer than {timeout:.0f} seconds to lay out.") from error
        raise RenderError(f"The PDF could not be laid out within {memory_mb} MB of memory.") from error
    if done.returncode != 0:
        raise RenderError("The PDF could not be laid out: " + done.stderr_tail())
    return done.stdout, json.loads(done.stderr.decode("utf-8").strip().splitlines()[-1])


def html_to_pdf(html: str, *, timeout: float | None = None, memory_mb: int | None = None) -> RenderedPdf:
    """Lay out the HTML in a separate, limited process and return the PDF bytes."""
    pdf, stats = _run_worker(html.encode("utf-8"), [], timeout, memory_mb)
    return RenderedPdf(pdf, stats["pages"], stats["seconds"], stats["peak_mb"], stats["cpu_seconds"])


def htmls_to_pdfs(htmls: list[str], on_progress: Callable[[int], None] = lambda number: None, *,
                  timeout: float | None = None, memory_mb: int | None = None) -> list[bytes]:
    """Lay out several documents in ONE limited process (WeasyPrint and its fonts loaded once; the
    limits apply to the whole batch). `on_progress(n)` as the n-th (1-based) is started."""
    out, stats = _run_worker(json.dumps(htmls).encode("utf-8"), ["--batch"], timeout, memory_mb,
                             lambda text: on_progress(int(text)))
    pdfs = [base64.b64decode(line[4:]) for line in out.splitlines() if line.startswith(b"pdf ")]
    if len(pdfs) != len(htmls) or len(stats["pages"]) != len(htmls):
        raise RenderError(f"The PDF worker returned {len(pdfs)} documents of {len(htmls)}.")
    return pdfs
