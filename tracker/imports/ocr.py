"""Text from scanned PDFs: each page rasterised with PDFium (pypdfium2) and read by Tesseract
(Debian's tesseract-ocr, through pytesseract). Slow by nature (seconds a page), so it runs in the
limited parsing process, from the import queue, reporting each page as it starts."""

from __future__ import annotations

import os
from collections.abc import Callable

import pypdfium2 as pdfium
import pytesseract

from tracker.core.errors import DomainError

#: Fewer characters than this per page, on average, and the PDF is taken to be a scan.
MIN_TEXT_PER_PAGE = 20
#: 200 dots per inch reads body text as well as 300 does, in about half the time.
DPI = 200
LANGUAGE = "eng"
#: Page segmentation "a single column of text of variable sizes": Tesseract's automatic layout (3)
#: takes a column of list numbers ("1." to "6.") for a block of its own and loses them, which loses
#: the recommendations' numbers; review reports are single-column far more often than not.
CONFIG = "--psm 4"


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise DomainError("The PDF could not be read. Save it again as a PDF, or paste its text.",
                          field="file") from error


def has_text_layer(data: bytes) -> bool:
    """Whether the PDF carries text (not just pictures of pages)."""
    pdf = _open(data)
    try:
        pages = len(pdf)
        chars = 0
        for index in range(pages):
            page = pdf[index]
            textpage = page.get_textpage()
            chars += len("".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
            if chars >= MIN_TEXT_PER_PAGE * pages:
                return True
        return False
    finally:
        pdf.close()


def ocr_pages(data: bytes, on_progress: Callable[[str], None] | None = None) -> list[str]:
    """One text per page, in order. `on_progress` hears "Reading page 3 of 10" as each page starts."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread: Tesseract's own threads slow it here
    pdf = _open(data)
    texts = []
    try:
        total = len(pdf)
        for index in range(total):
            if on_progress:
                on_progress(f"Reading page {index + 1} of {total}")
            page = pdf[index]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            try:
                texts.append(pytesseract.image_to_string(image, lang=LANGUAGE, config=CONFIG))
            except pytesseract.TesseractNotFoundError as error:
                raise DomainError("This PDF is a scan and text recognition (Tesseract) is not installed on "
                                  "the server. Paste the document's text instead.", field="file") from error
    finally:
        pdf.close()
    return texts
