"""Run as `python -m tracker.reports.pdf_worker ASSETS_DIR`: HTML on stdin, a tagged PDF on stdout,
and one line of JSON on stderr (pages, seconds, peak memory). Started by render.html_to_pdf with limits.

With `--batch` (render.htmls_to_pdfs: a run of the agency packs) stdin is a JSON list of HTML documents,
laid out one after the other in this one process, so WeasyPrint, its fonts and the stylesheet are loaded
once, not once per document. Before each it prints `progress N` (1-based); each PDF follows as one line,
`pdf BASE64`; stderr ends with the JSON line, `pages` then a list.

Only WeasyPrint is imported (not the application), and only files under ASSETS_DIR can be fetched."""

import base64
import gc
import json
import resource
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, path2url

PDF_VARIANT = "pdf/ua-1"


def _cached_page_references(self):
    """pydyf rebuilds the tuple of every page reference on each access, and WeasyPrint's tagging reads
    it once per tagged box: quadratic in pages (4.7 million string builds for 127 pages). Cached until
    a page is added, it gives the same tuple."""
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        self.__dict__["_page_references"] = cached
    return cached[1]


def tune() -> None:
    """Layout makes hundreds of thousands of long-lived objects: Python's cyclic collector, at its
    default threshold, walks them again and again (a quarter of the time of a 600-action report). The
    process lives for one document, so collect rarely instead."""
    pydyf.PDF.page_references = property(_cached_page_references)
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


class LocalAssetsOnly(URLFetcher):
    """Refuses every URL that is not a file under the report's asset folder (no network at all)."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file", "data"))
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"The report may not read {url}")
        elif parsed.scheme != "data":
            raise ValueError(f"The report may not fetch {url}")
        return super().fetch(url, headers)


def render(html: str, root: Path, font_config: FontConfiguration | None = None,
           cache: dict | None = None) -> tuple[bytes, int]:
    """One document; a batch passes the same font configuration and cache (the stylesheet's fetched
    files) to every document."""
    options = {"cache": cache} if cache is not None else {}
    document = HTML(string=html, base_url=path2url(str(root)) + "/", url_fetcher=LocalAssetsOnly(root)).render(
        font_config=font_config, **options)
    return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=font_config, **options), len(document.pages)


def render_batch(htmls: list[str], root: Path) -> list[int]:
    """Every document in turn, each PDF written out as soon as it is made (so memory holds one)."""
    font_config, cache, pages = FontConfiguration(), {}, []
    out = sys.stdout.buffer
    for number, html in enumerate(htmls, start=1):
        out.write(f"progress {number}\n".encode("ascii"))
        out.flush()
        pdf, count = render(html, root, font_config, cache)
        out.write(b"pdf " + base64.b64encode(pdf) + b"\n")
        out.flush()
        pages.append(count)
        del pdf
        gc.collect()  # the last document's layout, before the next one's
    return pages


def main() -> None:
    root = Path(sys.argv[1])
    tune()
    started = time.perf_counter()
    if "--batch" in sys.argv[2:]:
        pages = render_batch(json.loads(sys.stdin.buffer.read().decode("utf-8")), root)
    else:
        pdf, pages = render(sys.stdin.buffer.read().decode("utf-8"), root)
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"pages": pages, "seconds": round(time.perf_counter() - started, 3),
                      "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
                      "peak_mb": round(usage.ru_maxrss / 1024, 1)}), file=sys.stderr)


if __name__ == "__main__":
    main()
