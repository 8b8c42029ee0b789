"""Steps two and three of a report: HTML from a template, then a PDF from the HTML.

The PDF is laid out by WeasyPrint in a separate process (`python -m tracker.reports.pdf_worker`) with a
time limit and a memory limit, so a huge report can neither hold a web worker nor take the machine
down. That process fetches nothing but files under the report's own asset folder: no network.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

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


def render_report_html(data: ReportData) -> str:
    """The report's HTML. Rendered straight from the Jinja environment: no request, user or navigation
    is involved, so the CLI, the queue consumer and a request all produce the same document."""
    template = current_app.jinja_env.get_template("reports/board_report.html")
    return template.render(data=data, charts=report_charts(data, prefix="pdf"))


def _limits(memory_mb: int):
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        os.setsid()
    return apply


def html_to_pdf(html: str, *, timeout: float | None = None, memory_mb: int | None = None) -> RenderedPdf:
    """Lay out the HTML in a separate, limited process and return the PDF bytes."""
    config = current_app.config
    timeout = timeout or config.get("REPORT_RENDER_TIMEOUT", 300)
    memory_mb = memory_mb or config.get("REPORT_RENDER_MEMORY_MB", 2048)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tracker.reports.pdf_worker", str(assets_dir())],
            input=html.encode("utf-8"), capture_output=True, timeout=timeout, preexec_fn=_limits(memory_mb),
            env=env, check=False)
    except subprocess.TimeoutExpired as error:
        raise RenderError(f"The PDF took longer than {timeout:.0f} seconds to lay out.") from error
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        if done.returncode < 0 or "MemoryError" in "".join(tail):
            raise RenderError(f"The PDF could not be laid out within {memory_mb} MB of memory.")
        raise RenderError("The PDF could not be laid out: " + " ".join(tail))
    stats = json.loads(done.stderr.decode("utf-8").strip().splitlines()[-1])
    return RenderedPdf(done.stdout, stats["pages"], stats["seconds"], stats["peak_mb"], stats["cpu_seconds"])
