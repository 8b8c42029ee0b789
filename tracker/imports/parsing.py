"""A review document's items from its bytes: a plain function of the file and the agency names to
recognise, with no application and no database, so the limited parsing process
(tracker.imports.parse_worker) starts without loading Flask-SQLAlchemy's models: on a 30-page Word
file the start-up was most of the time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.core.errors import DomainError
from tracker.imports import extract as ex
from tracker.imports import limits, ocr
from tracker.imports.document import from_page_texts, read_document


def extract_document(filename: str, data: bytes, *, known_agencies: list[str],
                     on_progress: Callable[[str], None] | None = None) -> ex.Extraction:
    """The document's items. A PDF with no text layer (a scan) is read by text recognition, page by
    page, telling `on_progress`; the Extraction's `ocr` says so."""
    scanned = Path(filename).suffix.lower() == ".pdf" and not ocr.has_text_layer(data)
    if scanned:
        pages = limits.pdf_page_count(data)
        if pages > limits.MAX_SCANNED_PAGES:
            raise DomainError(f"The PDF is a scan of {pages} pages; the most that text recognition reads is "
                              f"{limits.MAX_SCANNED_PAGES}. Upload the part with the recommendations.", field="file")
        document = from_page_texts(ocr.ocr_pages(data, on_progress), ocr=True)
    else:
        document = read_document(filename, data)
    if not document.blocks:
        raise DomainError("The document has no text in it." + (" Text recognition found none on its pages."
                                                                if scanned else ""), field="file")
    result = ex.extract(document, known_agencies=known_agencies)
    result.ocr = scanned or document.ocr
    return result
