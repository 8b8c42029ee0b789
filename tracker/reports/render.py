"""Steps two and three of a report: HTML from a template, then a PDF from the HTML.

The PDF is laid out by WeasyPrint in a separate process (`python -m tracker.reports.pdf_worker`) with a
time limit and a memory limit, so a huge report can neither hold a web worker nor take the machine
down. That process fetches nothing but files under the report's own asset folder: no network.
"""

from __future__ import annotations

import base64
import json
import queue
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from tracker.core.limited import LimitExceeded, run_limited
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


@dataclass(frozen=True)
class _Limits:
    """What a renderer process may use, read from the app's settings in the caller's thread (a thread of
    the pool below has no app context)."""
    assets: Path
    timeout: float
    memory_mb: int

    @classmethod
    def from_app(cls, timeout: float | None, memory_mb: int | None) -> _Limits:
        config = current_app.config
        return cls(assets_dir(), timeout or config.get("REPORT_RENDER_TIMEOUT", 300),
                   memory_mb or config.get("REPORT_RENDER_MEMORY_MB", 2048))


def _run_worker(source: bytes, extra: list[str], limits: _Limits,
                on_progress: Callable[[str], None] | None = None) -> tuple[bytes, dict]:
    """The PDF worker in its limited process: its stdout, and the statistics from its stderr."""
    try:
        done = run_limited([sys.executable, "-m", "tracker.reports.pdf_worker", str(limits.assets), *extra],
                           input=source, timeout=limits.timeout, memory_mb=limits.memory_mb,
                           on_progress=on_progress)
    except LimitExceeded as error:
        if error.kind == "time":
            raise RenderError(f"The PDF took longer than {limits.timeout:.0f} seconds to lay out.") from error
        raise RenderError(f"The PDF could not be laid out within {limits.memory_mb} MB of memory.") from error
    if done.returncode != 0:
        raise RenderError("The PDF could not be laid out: " + done.stderr_tail())
    return done.stdout, json.loads(done.stderr.decode("utf-8").strip().splitlines()[-1])


def html_to_pdf(html: str, *, timeout: float | None = None, memory_mb: int | None = None) -> RenderedPdf:
    """Lay out the HTML in a separate, limited process and return the PDF bytes."""
    pdf, stats = _run_worker(html.encode("utf-8"), [], _Limits.from_app(timeout, memory_mb))
    return RenderedPdf(pdf, stats["pages"], stats["seconds"], stats["peak_mb"], stats["cpu_seconds"])


def htmls_to_pdfs(htmls: list[str], on_progress: Callable[[int], None] = lambda number: None, *,
                  timeout: float | None = None, memory_mb: int | None = None,
                  processes: int | None = None) -> list[bytes]:
    """Lay out several documents in `processes` limited processes (REPORT_RENDER_PROCESSES, 2 by
    default), each taking a run of consecutive documents of about the same total size, so WeasyPrint
    and its fonts are loaded once per process, not once per document; the limits apply to each process.
    `on_progress(n)` is called in this thread as the n-th document (1-based) is started."""
    if not htmls:
        return []
    limits = _Limits.from_app(timeout, memory_mb)
    wanted = processes or current_app.config["REPORT_RENDER_PROCESSES"]
    runs = _consecutive_runs(htmls, max(1, min(wanted, len(htmls))))
    started: queue.SimpleQueue[int] = queue.SimpleQueue()

    def lay_out(first: int, run: list[str]) -> list[bytes]:
        out, stats = _run_worker(json.dumps(run).encode("utf-8"), ["--batch"], limits,
                                 lambda text: started.put(first + int(text) - 1))
        pdfs = [base64.b64decode(line[4:]) for line in out.splitlines() if line.startswith(b"pdf ")]
        if len(pdfs) != len(run) or len(stats["pages"]) != len(run):
            raise RenderError(f"The PDF worker returned {len(pdfs)} documents of {len(run)}.")
        return pdfs

    def report_started() -> None:
        while not started.empty():
            on_progress(started.get())

    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = [pool.submit(lay_out, first, run) for first, run in runs]
        pending = set(futures)
        while pending:
            _done, pending = wait(pending, timeout=0.25)
            report_started()
    return [pdf for future in futures for pdf in future.result()]


def _consecutive_runs(htmls: list[str], count: int) -> list[tuple[int, list[str]]]:
    """The documents cut into `count` runs of consecutive ones, of about equal total length (a rough
    measure of the layout's work); each run with the 1-based number of its first document."""
    total, runs, current, size, first = sum(map(len, htmls)), [], [], 0, 1
    for number, html in enumerate(htmls, start=1):
        current.append(html)
        size += len(html)
        if len(runs) < count - 1 and size >= total * (len(runs) + 1) / count:
            runs.append((first, current))
            current, first = [], number + 1
    if current:
        runs.append((first, current))
    return runs
