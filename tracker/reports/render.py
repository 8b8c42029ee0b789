"""Steps two and three of a report: HTML from a template, then a PDF from the HTML.

The PDF is laid out by WeasyPrint in a separate process (`python -m tracker.reports.pdf_worker`) with a
time limit and a memory limit, so a huge report can neither hold a web worker nor take the machine
down. That process fetches nothing but files under the report's own asset folder: no network.
"""

from __future__ import annotations

import json
import sys
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


def html_to_pdf(html: str, *, timeout: float | None = None, memory_mb: int | None = None) -> RenderedPdf:
    """Lay out the HTML in a separate, limited process and return the PDF bytes."""
    config = current_app.config
    timeout = timeout or config.get("REPORT_RENDER_TIMEOUT", 300)
    memory_mb = memory_mb or config.get("REPORT_RENDER_MEMORY_MB", 2048)
    try:
        done = run_limited([sys.executable, "-m", "tracker.reports.pdf_worker", str(assets_dir())],
                           input=html.encode("utf-8"), timeout=timeout, memory_mb=memory_mb)
    except LimitExceeded as error:
        if error.kind == "time":
            raise RenderError(f"The PDF took longer than {timeout:.0f} seconds to lay out.") from error
        raise RenderError(f"The PDF could not be laid out within {memory_mb} MB of memory.") from error
    if done.returncode != 0:
        raise RenderError("The PDF could not be laid out: " + done.stderr_tail())
    stats = json.loads(done.stderr.decode("utf-8").strip().splitlines()[-1])
    return RenderedPdf(done.stdout, stats["pages"], stats["seconds"], stats["peak_mb"], stats["cpu_seconds"])
