"""Review documents in any format read into one `Document` of blocks (see model.py).

`read_document(filename, data)` picks the reader by the file's extension; `from_page_texts` builds
a document from the text of each page (OCR output)."""

from __future__ import annotations

from pathlib import Path

from tracker.core.errors import DomainError
from tracker.imports.document.docx import read_docx
from tracker.imports.document.html import read_html
from tracker.imports.document.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Source
from tracker.imports.document.pdf import read_pdf
from tracker.imports.document.plain import decode_text, from_page_texts, read_plain

SUPPORTED = {"pdf", "docx", "txt", "md", "markdown", "text", "html", "htm"}

__all__ = ["HEADING", "LIST_ITEM", "PARAGRAPH", "TABLE", "SUPPORTED", "Block", "Document", "Source",
           "decode_text", "from_page_texts", "read_document", "read_docx", "read_html", "read_pdf", "read_plain"]


def read_document(filename: str, data: bytes) -> Document:
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext == "pdf":
        return read_pdf(data)
    if ext == "docx":
        return read_docx(data)
    if ext in ("html", "htm"):
        return read_html(data)
    if ext in ("txt", "md", "markdown", "text"):
        return read_plain(decode_text(data))
    raise DomainError("The selected file must be a PDF, Word (.docx), web page (.html), text or Markdown file.",
                      field="file")
