"""What an uploaded document or plan may be, checked before any parser sees it: the cheap checks
that refuse a small file that would unpack or render into a huge one. Stated on the upload forms
(`describe_*`), so nobody finds a limit by hitting it."""

from __future__ import annotations

import io
import zipfile

import pypdfium2 as pdfium

from tracker.core.errors import DomainError

MAX_PAGES = 300
MAX_SCANNED_PAGES = 50
MAX_PLAN_ROWS = 5000
#: A 30-page Word file unpacks to about 1 MB, a 5,000-row sheet to about 5 MB.
MAX_UNPACKED_MB = 100
MAX_ZIP_ENTRIES = 2000
ZIP_FORMATS = ("docx", "xlsx")


def check_zip(data: bytes, kind: str) -> None:
    """A .docx or .xlsx is a zip: count and add up its entries from the central directory (nothing
    is decompressed) and refuse a zip bomb before a parser inflates it."""
    label = "Word document" if kind == "docx" else "spreadsheet"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DomainError(f"The {label} could not be read: it is damaged, or protected by a password. Save it "
                          f"again without a password and upload it again.", field="file") from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise DomainError(f"The {label} has too many parts ({len(entries):,}; the most is {MAX_ZIP_ENTRIES:,}).",
                          field="file")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise DomainError(f"The {label} unpacks to {unpacked // (1024 * 1024):,} MB, more than the "
                          f"{MAX_UNPACKED_MB} MB allowed.", field="file")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise DomainError(f"The {label} is protected by a password. Save it again without a password.",
                          field="file")


def pdf_page_count(data: bytes) -> int:
    """The number of pages, refusing encrypted, damaged, empty and over-long PDFs."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise DomainError("The PDF is protected by a password. Save a copy without the password, or paste "
                              "its text.", field="file") from error
        raise DomainError("The PDF could not be read: it is damaged or not really a PDF. Save it again as a "
                          "PDF, or paste its text.", field="file") from error
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise DomainError("The PDF has no pages.", field="file")
    if pages > MAX_PAGES:
        raise DomainError(f"The PDF has {pages:,} pages; the most that can be read is {MAX_PAGES}. Upload the "
                          f"part with the recommendations.", field="file")
    return pages


def check_before_parsing(filename: str, data: bytes) -> None:
    ext = filename.lower().rsplit(".", 1)[-1]
    if ext in ZIP_FORMATS:
        check_zip(data, ext)
    elif ext == "pdf":
        pdf_page_count(data)


def describe_document_limits(max_bytes: int) -> str:
    return (f"Up to {max_bytes // (1024 * 1024)} MB and {MAX_PAGES} pages ({MAX_SCANNED_PAGES} pages for a "
            f"scanned PDF, which is read by text recognition). Files protected by a password cannot be read.")


def describe_plan_limits(max_bytes: int) -> str:
    return (f"Up to {max_bytes // (1024 * 1024)} MB and {MAX_PLAN_ROWS:,} rows, with a header row. Files "
            f"protected by a password cannot be read.")
