"""Reading an uploaded document or plan, always in a separate, limited process
(`tracker.imports.parse_worker`, started through tracker.core.limited): a hostile or broken file can use up
its time or memory, never the web worker's or the queue consumer's. Every failure comes back as a
DomainError with a message for the form."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

from tracker.core.errors import DomainError
from tracker.core.limited import LimitExceeded, run_limited
from tracker.imports import extract as ex
from tracker.imports.extract.model import ProposedAction


@dataclass
class Reading:
    result: dict
    stats: dict = field(default_factory=dict)


def _run(job: dict, data: bytes, on_progress: Callable[[str], None] | None) -> Reading:
    config = current_app.config
    timeout = float(config.get("IMPORT_PARSE_TIMEOUT", 300))
    memory_mb = int(config.get("IMPORT_PARSE_MEMORY_MB", 2048))
    payload = json.dumps(job).encode("utf-8") + b"\n" + data
    try:
        done = run_limited([sys.executable, "-m", "tracker.imports.parse_worker"], input=payload,
                           timeout=timeout, memory_mb=memory_mb, on_progress=on_progress)
    except LimitExceeded as error:
        raise DomainError(f"The file could not be read: {error.message}. Upload a smaller file, or paste the "
                          f"part with the recommendations.", field="file") from error
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        out = json.loads(lines[-1])
    except (IndexError, ValueError):
        current_app.logger.warning("import parser failed (%s): %s", done.returncode, done.stderr_tail(10))
        raise DomainError("The file could not be read: it may be damaged. Save it again, or paste its text.",
                          field="file") from None
    if not out.pop("ok"):
        raise DomainError(out["message"], field="file")
    return Reading(out, out.pop("stats", {}))


def read_document(filename: str, data: bytes, *, known_agencies: list[str],
                  on_progress: Callable[[str], None] | None = None) -> ex.Extraction:
    """`services.extract_document`, run in the limited process. The Extraction's `ocr` says whether
    the text came from text recognition."""
    reading = _run({"job": "document", "filename": filename, "agencies": known_agencies}, data, on_progress)
    fields = reading.result["extraction"]
    ocr = fields.pop("ocr", False)
    fields["items"] = [ex.Item(**{**item, "actions": [ProposedAction(**a) for a in item.get("actions", [])]})
                       for item in fields["items"]]
    known = {f.name for f in dataclasses.fields(ex.Extraction)}
    result = ex.Extraction(**{k: v for k, v in fields.items() if k in known})
    result.ocr = ocr
    result.stats = reading.stats
    return result


def read_plan(filename: str, data: bytes) -> tuple[list[list[str]], dict[str, list[list[str]]]]:
    """The rows of an action plan spreadsheet, and those of its measures sheets (by sheet name),
    read in the limited process."""
    result = _run({"job": "plan", "filename": filename}, data, None).result
    return result["rows"], result.get("sheets", {})
