"""Evidence files: an allow-list of types, checked by content as well as by name, a size limit,
kept in the store (tracker.storage, area `evidence`) under generated names with a SHA-256, and
served only through a view that checks permission."""

import io
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import filetype
from werkzeug.datastructures import FileStorage

from tracker.actions.models import Action
from tracker.core import dates
from tracker.core.errors import DomainError
from tracker.core.filenames import clean_filename
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.storage import StorageError, Written, key_for, put_with_row
from tracker.users.models import User

OOXML = {"docx", "xlsx", "pptx"}


@dataclass(frozen=True)
class AllowedType:
    label: str
    content_type: str
    sniffed: frozenset[str]  # what filetype may report; "text" for plain text, "ole" for old Office


ALLOWED_TYPES: dict[str, AllowedType] = {
    "pdf": AllowedType("PDF", "application/pdf", frozenset({"pdf"})),
    "doc": AllowedType("Word 97-2003", "application/msword", frozenset({"ole", "doc"})),
    "docx": AllowedType("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        frozenset({"docx", "zip"})),
    "xls": AllowedType("Excel 97-2003", "application/vnd.ms-excel", frozenset({"ole", "xls"})),
    "xlsx": AllowedType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        frozenset({"xlsx", "zip"})),
    "odt": AllowedType("OpenDocument text", "application/vnd.oasis.opendocument.text", frozenset({"odt", "zip"})),
    "ods": AllowedType("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet",
                       frozenset({"ods", "zip"})),
    "csv": AllowedType("CSV", "text/csv", frozenset({"text"})),
    "txt": AllowedType("Text", "text/plain", frozenset({"text"})),
    "png": AllowedType("PNG image", "image/png", frozenset({"png"})),
    "jpg": AllowedType("JPEG image", "image/jpeg", frozenset({"jpg"})),
    "jpeg": AllowedType("JPEG image", "image/jpeg", frozenset({"jpg"})),
}

ALLOWED_LIST_TEXT = "PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MEMBERS = {"docx": b"word/", "xlsx": b"xl/", "odt": b"application/vnd.oasis.opendocument.text",
               "ods": b"application/vnd.oasis.opendocument.spreadsheet"}


def _sniff(head: bytes) -> str | None:
    if head.startswith(OLE_MAGIC):
        return "ole"
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension
    return None


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    start = text.lstrip().lower()[:200]
    # Text that a browser would run as a page is not evidence, whatever its name.
    return not start.startswith(("<!doctype", "<html", "<script", "<svg", "<?xml"))


def check_file(filename: str, data: bytes, max_bytes: int) -> AllowedType:
    """Return the allowed type of a file, or raise a DomainError saying what is wrong."""
    if not data:
        raise DomainError("The selected file is empty.", field="file")
    if len(data) > max_bytes:
        raise DomainError(f"The selected file must be smaller than {max_bytes // (1024 * 1024) or 1} MB.",
                          field="file")
    ext = Path(filename).suffix.lower().lstrip(".")
    allowed = ALLOWED_TYPES.get(ext)
    if allowed is None:
        raise DomainError(f"The selected file must be a {ALLOWED_LIST_TEXT} file.", field="file")
    sniffed = _sniff(data[:8192])
    if "text" in allowed.sniffed:
        ok = sniffed is None and _looks_like_text(data)
    elif ext in ZIP_MEMBERS:
        ok = sniffed in allowed.sniffed and ZIP_MEMBERS[ext] in data
    else:
        ok = sniffed in allowed.sniffed
    if not ok:
        raise DomainError(f"The selected file is not a real {allowed.label} file: its content does not match "
                          f"its name.", field="file")
    return allowed


def check_link(url: str) -> str:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise DomainError("Enter a link that starts with http:// or https://", field="link_url")
    return url


def store_upload(name: str, data: bytes) -> Written:
    """Write the file before its row is committed; a rollback removes it again (tracker.storage)."""
    try:
        return put_with_row(db.session, key_for("evidence", name), io.BytesIO(data))
    except StorageError as error:
        raise DomainError("The file could not be saved: the file store is not answering. Nothing has been "
                          "added; try again in a few minutes.", field="file") from error


def add_evidence(action: Action, *, by: User, kind: str, title: str, description: str, effective_date: date,
                 today: date, upload: FileStorage | None = None, link_url: str = "",
                 max_bytes: int) -> Evidence:
    if kind not in (EvidenceKind.COMPLETION, EvidenceKind.IMPACT):
        raise DomainError("Choose completion or impact.", field="kind")
    if not action.is_live:
        raise DomainError(f"Evidence cannot be added to an action that is {action.status_label.lower()}.")
    if effective_date > today:
        raise DomainError("The date the evidence applies from cannot be in the future.", field="effective_date")
    dates.check_past(effective_date, today, label="The date the evidence applies from", field="effective_date")
    has_file = upload is not None and bool(upload.filename)
    if has_file == bool(link_url and link_url.strip()):
        raise DomainError("Upload a file or give a link, but not both.", field="file")
    evidence = Evidence(action=action, kind=kind, title=title.strip(), description=(description or "").strip(),
                        supplied_by_id=by.id, effective_date=effective_date)
    if has_file:
        data = upload.read(max_bytes + 1)
        allowed = check_file(upload.filename, data, max_bytes)
        ext = Path(upload.filename).suffix.lower()
        evidence.stored_name = secrets.token_hex(16) + ext
        evidence.original_filename = clean_filename(upload.filename) or f"evidence{ext}"
        evidence.content_type = allowed.content_type
        written = store_upload(evidence.stored_name, data)
        evidence.size_bytes = written.size
        evidence.sha256 = written.sha256
    else:
        evidence.link_url = check_link(link_url)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def evidence_key(evidence: Evidence) -> str:
    return key_for("evidence", evidence.stored_name)
