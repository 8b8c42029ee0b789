"""Run as `python -m tracker.imports.parse_worker` (by tracker.imports.reading, with limits): one line
of JSON on stdin (job "document" or "plan", filename, known agency names), then the file's bytes.
Prints `progress ...` lines while it works, then one line of JSON: the result, or the message to
show; stats (seconds, CPU, peak memory) are included either way.

No application and no database: the parent passes in what the extraction needs to know."""

import dataclasses
import json
import resource
import sys
import time
import traceback

from tracker.core.errors import DomainError
from tracker.imports import limits, parsing


def progress(text: str) -> None:
    print(f"progress {text}", flush=True)


def run(job: dict, data: bytes) -> dict:
    filename = job["filename"]
    limits.check_before_parsing(filename, data)
    if job["job"] == "plan":
        # Here, not at the top: spreadsheet loads the database models, which reading a document
        # does not need (their import was most of a 30-page Word file's time).
        from tracker.imports import spreadsheet

        return {"rows": spreadsheet.read_rows(filename, data),
                "sheets": spreadsheet.read_measure_sheets(filename, data)}
    result = parsing.extract_document(filename, data, known_agencies=job.get("agencies", []),
                                       on_progress=progress)
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    fields["items"] = [item.as_dict() for item in result.items]
    fields["ocr"] = bool(getattr(result, "ocr", False))
    return {"extraction": fields}


def main() -> None:
    started = time.perf_counter()
    job = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    try:
        out = {"ok": True, **run(job, data)}
    except DomainError as error:
        out = {"ok": False, "message": error.message}
    except Exception:  # a parser's own failure on a strange file: say so plainly, keep the detail in the log
        traceback.print_exc()
        out = {"ok": False, "message": "The file could not be read: it may be damaged. Save it again, or paste "
                                       "its text."}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # Tesseract runs as a child of this process
    out["stats"] = {"seconds": round(time.perf_counter() - started, 3),
                    "cpu_seconds": round(usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime, 3),
                    "peak_mb": round(max(usage.ru_maxrss, children.ru_maxrss) / 1024, 1)}
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
