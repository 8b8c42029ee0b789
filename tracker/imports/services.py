"""Document imports: start a draft from a file or pasted text, edit it, and confirm it into a review
in one transaction. Services flush; the view (or command) commits once."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import undefer
from werkzeug.utils import secure_filename

from tracker.actions.services import create_action
from tracker.core import lengths
from tracker.core.errors import DomainError
from tracker.evidence.services import check_file
from tracker.extensions import db
from tracker.imports import extract as ex
from tracker.imports import limits, parsing, reading
from tracker.imports.dates import parse_target_date
from tracker.imports.matching import AgencyIndex, OwnerMatch, propose_short_name
from tracker.imports.models import DraftState, ImportDraft, SourceDocument
from tracker.recommendations.models import RecommendationKind
from tracker.recommendations.services import create_recommendation
from tracker.reviews import services as review_services
from tracker.reviews.models import Review, ReviewStatus, ReviewType
from tracker.storage import NotStored, StorageError, delete_with_row, key_for, put_with_row, storage
from tracker.users.models import Agency, AgencyKind, User

DOCUMENT_TYPES = {"pdf": "application/pdf",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "txt": "text/plain", "md": "text/markdown", "html": "text/html"}


#: An action from a plan with no readable target date is due this long after the import, for the lead to adjust.
DEFAULT_ACTION_DAYS = 182
#: What a draft item keeps from extraction that the form does not post back.
EXTRAS = ("page", "context", "doubts", "actions")


def document_key(stored_name: str) -> str:
    """Where a source document is kept in the store (tracker.storage, area `imports`)."""
    return key_for("imports", stored_name)


def check_document(filename: str, data: bytes, max_bytes: int) -> str:
    """The document's extension once its content has been checked against its name."""
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext == "markdown":
        ext = "md"
    if ext == "htm":
        ext = "html"
    if ext not in DOCUMENT_TYPES:
        raise DomainError("The selected file must be a PDF, Word (.docx), web page (.html), text (.txt) or "
                          "Markdown (.md) file.", field="file")
    check_file(f"document.{'txt' if ext in ('md', 'html') else ext}", data, max_bytes)
    return ext


def known_agency_names(agencies: list[Agency]) -> list[str]:
    return [n for a in agencies for n in [a.name, a.short_name, *(a.aliases or [])]]


def all_agencies() -> list[Agency]:
    """The active agencies with their other names (deferred elsewhere), for matching owners."""
    return list(db.session.scalars(select(Agency).options(undefer(Agency.aliases))
                                   .where(Agency.active.is_(True)).order_by(Agency.name)))


def extract_document(filename: str, data: bytes, *, known_agencies: list[str] | None = None,
                     on_progress: Callable[[str], None] | None = None) -> ex.Extraction:
    """The one entry point for a document's items: a plain function of the bytes (and the agency names
    to recognise) returning picklable plain data. It runs in the limited parsing process
    (tracker.imports.reading), which passes the agency names since it has no database; without them
    it reads the partnership's agencies. A PDF with no text layer (a scan) is read by text
    recognition, page by page, telling `on_progress`; the Extraction's `ocr` says so."""
    if known_agencies is None:
        known_agencies = known_agency_names(all_agencies())
    return parsing.extract_document(filename, data, known_agencies=known_agencies, on_progress=on_progress)


def _store(data: bytes, ext: str) -> str:
    """Keep the document before its row is committed; a rollback removes it again."""
    name = secrets.token_hex(16) + "." + ext
    try:
        put_with_row(db.session, document_key(name), io.BytesIO(data))
    except StorageError as error:
        raise DomainError("The document could not be saved: the file store is not answering. Nothing has been "
                          "added; try again in a few minutes.", field="file") from error
    return name


def start_draft(*, by: User, filename: str | None, data: bytes | None, pasted: str = "",
                review: Review | None = None, new_review: dict | None = None, max_bytes: int) -> ImportDraft:
    """Read an uploaded document (or pasted text), extract its items and keep them as a draft."""
    if data:
        ext = check_document(filename or "", data, max_bytes)
        original = secure_filename(filename or "") or f"document.{ext}"
    elif pasted and pasted.strip():
        data = pasted.replace("\r\n", "\n").encode("utf-8")
        if len(data) > max_bytes:
            raise DomainError("The pasted text is too long.", field="pasted")
        ext, original = "txt", "pasted-text.txt"
    else:
        raise DomainError("Upload a document or paste its text", field="file")
    if review is None:
        new_review = dict(new_review or {})
        if not (new_review.get("title") or "").strip():
            raise DomainError("Enter the title of the new review, or choose an existing review", field="title")
        if new_review.get("review_type") not in {t.value for t in ReviewType}:
            raise DomainError("Select the type of the new review", field="review_type")
    if ext in limits.ZIP_FORMATS:
        limits.check_zip(data, ext)  # the central directory only: cheap, and refuses a zip bomb at once
    draft = ImportDraft(user_id=by.id, review_id=review.id if review else None,
                        new_review={} if review else new_review, original_filename=original,
                        stored_name=_store(data, ext), content_type=DOCUMENT_TYPES[ext], size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), items=[], warnings=[],
                        state=DraftState.READING, progress="Waiting to start")
    db.session.add(draft)
    db.session.flush()
    return draft


def start_plan_draft(*, by: User, review: Review, filename: str, data: bytes, max_bytes: int) -> ImportDraft:
    """Read an uploaded action plan (.xlsx or .csv) into a draft of its rows, to map and check."""
    if not data:
        raise DomainError("Select an action plan spreadsheet (.xlsx or .csv)", field="file")
    if len(data) > max_bytes:
        raise DomainError("The selected file is too big.", field="file")
    ext = filename.lower().rsplit(".", 1)[-1]
    if ext not in ("xlsx", "csv"):
        raise DomainError("The selected file must be an Excel (.xlsx) or CSV file.", field="file")
    check_file(f"plan.{ext}", data, max_bytes)
    rows, sheets = reading.read_plan(f"plan.{ext}", data)
    draft = ImportDraft(user_id=by.id, review_id=review.id, new_review={"plan": True, "sheets": sheets},
                        original_filename=filename[:255], stored_name="", content_type=ext, size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), items=rows, warnings=[])
    db.session.add(draft)
    db.session.flush()
    return draft


def read_into_draft(draft: ImportDraft, on_progress: Callable[[], None] = lambda: None) -> None:
    """Read the draft's stored document in the limited process (from the import queue) and keep its
    items, or the reason it could not be read. `on_progress` is called after each change of
    progress, so the caller can commit it for the waiting page. On failure the stored file is
    removed: nothing of the document is kept."""
    if draft.state != DraftState.READING:
        return
    key = document_key(draft.stored_name)

    def progress(text: str) -> None:
        draft.progress = text[:200]
        on_progress()

    progress("Reading the document")
    try:
        result = reading.read_document(draft.original_filename, storage().open(key).read_all(),
                                       known_agencies=known_agency_names(all_agencies()), on_progress=progress)
    except (DomainError, StorageError, OSError) as error:
        draft.state, draft.progress = DraftState.FAILED, ""
        draft.error = (error.message if isinstance(error, DomainError) else
                       "The file store did not answer while the document was being read: upload it again."
                       if isinstance(error, StorageError) and not isinstance(error, NotStored) else
                       "The uploaded file has gone: upload it again.")
        delete_with_row(db.session, key)
    else:
        draft.items = [item.as_dict() for item in result.items]
        draft.warnings = list(result.warnings)
        draft.ocr = bool(getattr(result, "ocr", False))
        draft.state, draft.progress = DraftState.READY, ""
    db.session.flush()


# --- Editing the draft ---------------------------------------------------------------------------


def _blank_item(kind: str = ex.RECOMMENDATION) -> dict:
    return {"kind": kind, "number": "", "text": "", "owner": "", "section": "Added by hand", "page": None,
            "context": "", "doubts": [], "actions": []}


def _split_text(text: str) -> tuple[str, str] | None:
    parts = [p for p in re.split(r"\n+", text.strip()) if p.strip()]
    if len(parts) >= 2:
        return parts[0].strip(), "\n".join(parts[1:]).strip()
    sentences = re.split(r"(?<=[.;!?])\s+(?=[A-Z(])", text.strip())
    if len(sentences) >= 2:
        half = (len(sentences) + 1) // 2
        return " ".join(sentences[:half]), " ".join(sentences[half:])
    return None


def edit_draft(draft: ImportDraft, items: list[dict], operation: str = "") -> str:
    """Save the edited items, then apply one operation: "remove:N", "merge:N" (with the next item),
    "split:N", "add" or "add-learning". Returns a message for the user."""
    cleaned = []
    before = list(draft.items or [])
    for n, item in enumerate(items):
        kind = item.get("kind") if item.get("kind") in ex.KINDS else ex.RECOMMENDATION
        extras = before[n] if n < len(before) and isinstance(before[n], dict) else {}
        cleaned.append({"kind": kind, "number": " ".join((item.get("number") or "").split())[:20],
                        "text": (item.get("text") or "").strip(), "owner": (item.get("owner") or "").strip()[:200],
                        "section": (item.get("section") or "")[:200],
                        **{k: extras.get(k, [] if k in ("doubts", "actions") else None) for k in EXTRAS}})
    message = "Draft saved."
    verb, _, index_text = operation.partition(":")
    index = int(index_text) if index_text.isdigit() else -1
    if verb == "remove" and 0 <= index < len(cleaned):
        cleaned.pop(index)
        message = f"Item {index + 1} removed."
    elif verb == "merge" and 0 <= index < len(cleaned) - 1:
        first, second = cleaned[index], cleaned.pop(index + 1)
        first["text"] = (first["text"] + "\n" + second["text"]).strip()
        first["owner"] = first["owner"] or second["owner"]
        first["actions"] = list(first.get("actions") or []) + list(second.get("actions") or [])
        message = f"Items {index + 1} and {index + 2} merged."
    elif verb == "split" and 0 <= index < len(cleaned):
        halves = _split_text(cleaned[index]["text"])
        if halves is None:
            message = f"Item {index + 1} has only one sentence, so it cannot be split. Edit it instead."
        else:
            cleaned[index]["text"] = halves[0]
            cleaned.insert(index + 1, dict(cleaned[index], text=halves[1], number="", actions=[]))
            message = f"Item {index + 1} split in two: give the new item a number."
    elif verb == "add":
        cleaned.append(_blank_item(ex.LEARNING_POINT if index_text == "learning" else ex.RECOMMENDATION))
        message = "Item added at the end."
    draft.items = cleaned
    db.session.flush()
    return message


# --- Owners --------------------------------------------------------------------------------------


def match_owners(items: list[dict], agencies: list[Agency] | None = None) -> list[OwnerMatch]:
    index = AgencyIndex(agencies if agencies is not None else all_agencies())
    return [index.match(item.get("owner", "")) if item.get("kind") != ex.LEARNING_POINT else OwnerMatch("")
            for item in items]


def default_owner(agencies: list[Agency]) -> Agency | None:
    """Recommendations that name no owner go to the partnership itself."""
    partnership = [a for a in agencies if a.kind == AgencyKind.PARTNERSHIP and a.short_name.lower() != "all"]
    return partnership[0] if partnership else None


# --- Confirming ----------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    review: Review
    recommendations: int
    learning_points: int
    new_agencies: list[str]
    actions: int = 0

    def describe(self) -> str:
        extra = f"; new agencies: {', '.join(self.new_agencies)}" if self.new_agencies else ""
        if self.actions:
            extra = f" with {self.actions} proposed action{'s' if self.actions != 1 else ''}" + extra
        return (f"{self.recommendations} recommendation{'s' if self.recommendations != 1 else ''} and "
                f"{self.learning_points} learning point{'s' if self.learning_points != 1 else ''} imported into "
                f"{self.review.reference}{extra}")


def _new_reference(today: date) -> str:
    base = f"IMPORT-{today:%Y%m%d}"
    n = 1
    while db.session.scalar(select(Review.id).where(func.lower(Review.reference) == f"{base}-{n}".lower())):
        n += 1
    return f"{base}-{n}"


def _create_agency(name: str, taken: set[str]) -> Agency:
    existing = db.session.scalar(select(Agency).where(func.lower(Agency.name) == name.lower()))
    if existing:
        return existing
    short = propose_short_name(name, taken)
    taken.add(short.lower())
    agency = Agency(name=name[:200], short_name=short, kind=AgencyKind.AGENCY, aliases=[])
    db.session.add(agency)
    db.session.flush()
    return agency


def confirm_items(*, items: list[dict], review: Review | None, new_review: dict | None, today: date,
                  source: dict | None = None, by: User | None = None) -> ImportSummary:
    """Create the review's recommendations and learning points, and the proposed agencies, all or
    nothing: any problem raises a DomainError naming the item before anything is kept (the caller
    rolls back)."""
    items = [i for i in items if (i.get("text") or "").strip()]
    if not items:
        raise DomainError("There is nothing to import: add at least one recommendation or learning point.")
    agencies = all_agencies()
    fallback = default_owner(agencies)
    matches = match_owners(items, agencies)
    for n, (item, match) in enumerate(zip(items, matches), start=1):
        _check_lengths(n, item)
        if item["kind"] == ex.LEARNING_POINT:
            if not str(item.get("number", "")).strip().isdigit():
                raise DomainError(f"Item {n}: a learning point's number must be a whole number", field="items")
        elif not match.agencies and not match.proposed and fallback is None:
            raise DomainError(f"Item {n}: enter who the recommendation is addressed to", field="items")
    if review is None:
        details = new_review or {}
        review = review_services.create_review(review_services.ReviewDetails(
            reference=(details.get("reference") or "").strip() or _new_reference(today),
            title=details.get("title") or "Imported review",
            review_type=details.get("review_type") or ReviewType.CSPR,
            status=details.get("status") or ReviewStatus.PUBLISHED))
    taken = {a.short_name.lower() for a in agencies}
    created: dict[str, Agency] = {}
    recommendations = learning = actions = 0
    index = AgencyIndex(agencies)
    for n, (item, match) in enumerate(zip(items, matches), start=1):
        text = item["text"].strip()
        try:
            if item["kind"] == ex.LEARNING_POINT:
                review_services.add_learning_point(review, number=int(item["number"]), text=text, shared_how=None,
                                                   shared_date=None, today=today)
                learning += 1
                continue
            addressees = list(match.agencies)
            for name in match.proposed:
                if name.lower() not in created:
                    created[name.lower()] = _create_agency(name, taken)
                addressees.append(created[name.lower()])
            if not addressees:
                addressees = [fallback]
            number = str(item.get("number") or "").strip() or str(n)
            if item["kind"] == ex.SINGLE_AGENCY:
                kind = RecommendationKind.SINGLE_AGENCY
                if re.fullmatch(r"\d{1,3}[a-z]?", number):
                    number = f"{addressees[0].short_name}-{number}"[:20]
            elif all(a.kind == AgencyKind.NATIONAL for a in addressees):
                kind = RecommendationKind.NATIONAL
            else:
                kind = RecommendationKind.PARTNERSHIP
            recommendation = create_recommendation(review, number=number, text=text, kind=kind,
                                                   addressees=addressees, themes=[])
            recommendations += 1
            # without a user (the import command) the actions are made by the system job it names
            actions += _create_actions(recommendation, item, match, addressees, index, by=by, today=today)
        except DomainError as error:
            raise DomainError(f"Item {n}: {error.message}", field="items") from error
    if source:
        db.session.add(SourceDocument(review=review, uploaded_by_id=by.id if by else None, **source,
                                      summary=f"{recommendations} recommendations, {learning} learning points"))
        if not review.source_document:
            review.source_document = source["original_filename"][:255]
    db.session.flush()
    return ImportSummary(review, recommendations, learning, [a.name for a in created.values()], actions)


def _check_lengths(n: int, item: dict) -> None:
    """The limits of the forms (tracker/core/lengths.py), item by item, before anything is written."""
    what = "learning point" if item["kind"] == ex.LEARNING_POINT else "recommendation"
    checks = [(f"the {what}", (item.get("text") or "").strip(),
               lengths.NARRATIVE if item["kind"] == ex.LEARNING_POINT else lengths.LONG_TEXT),
              (f"the {what}'s number", str(item.get("number") or "").strip(), lengths.ITEM_NUMBER)]
    for a, action in enumerate(item.get("actions") or [], start=1):
        checks += [(f"action {a}'s description", (action.get("description") or "").strip(), lengths.DESCRIPTION),
                   (f"action {a}'s outcome", (action.get("outcome") or "").strip(), lengths.DESCRIPTION)]
    for label, value, most in checks:
        if len(value) > most:
            raise DomainError(f"Item {n}: {label} is {len(value):,} characters long; the most is {most:,}. "
                              f"Shorten it before importing.", field="items")


def proposed_actions(item: dict, match: OwnerMatch) -> list[dict]:
    """The actions confirming will create for a recommendation: the rows of its action plan, or one
    per agency when it is addressed to all agencies."""
    rows = [a for a in (item.get("actions") or []) if (a.get("description") or "").strip()]
    if rows:
        return rows
    if match.every_agency:
        return [{"description": item.get("text", ""), "lead": a.name, "target_date": "", "outcome": ""}
                for a in match.agencies]
    return []


def _create_actions(recommendation, item: dict, match: OwnerMatch, addressees: list[Agency], index: AgencyIndex,
                    *, by: User | None, today: date) -> int:
    count = 0
    for proposed in proposed_actions(item, match):
        found = index.find(proposed.get("lead") or "")
        owner = found[0] if found else addressees[0]
        due = parse_target_date(proposed.get("target_date") or "") or today + timedelta(days=DEFAULT_ACTION_DAYS)
        create_action(recommendation, description=proposed["description"].strip()[:lengths.DESCRIPTION], owner=owner, lead=None,
                      due_date=max(due, today), success_measure=(proposed.get("outcome") or "").strip(), by=by,
                      today=today, open_now=False)  # drafts: the business unit opens them once leads are named
        count += 1
    return count


def confirm_draft(draft: ImportDraft, *, by: User, today: date) -> ImportSummary:
    if draft.user_id != by.id:
        raise DomainError("This draft belongs to someone else.")
    if draft.state != DraftState.READY:
        raise DomainError("The document has not been read yet.")
    source = {"original_filename": draft.original_filename, "stored_name": draft.stored_name,
              "content_type": draft.content_type, "size_bytes": draft.size_bytes, "sha256": draft.sha256}
    summary = confirm_items(items=list(draft.items), review=draft.review, new_review=draft.new_review,
                            today=today, source=source, by=by)
    db.session.delete(draft)
    db.session.flush()
    return summary


def discard_draft(draft: ImportDraft) -> None:
    """Remove the draft; its document goes from the store once that is committed (unless kept)."""
    still_used = db.session.scalar(select(SourceDocument.id).where(SourceDocument.stored_name == draft.stored_name))
    if draft.stored_name and not still_used:
        delete_with_row(db.session, document_key(draft.stored_name))
    db.session.delete(draft)
    db.session.flush()


def import_file(*, filename: str, data: bytes, review: Review | None, new_review: dict | None, today: date,
                by: User | None = None) -> ImportSummary:
    """The command line's import: extract and confirm in one go, keeping the document."""
    ext = check_document(filename, data, max(len(data), 1))
    result = reading.read_document(filename, data, known_agencies=known_agency_names(all_agencies()))
    source = {"original_filename": secure_filename(Path(filename).name) or f"document.{ext}",
              "stored_name": _store(data, ext), "content_type": DOCUMENT_TYPES[ext], "size_bytes": len(data),
              "sha256": hashlib.sha256(data).hexdigest()}
    return confirm_items(items=[i.as_dict() for i in result.items], review=review, new_review=new_review,
                         today=today, source=source, by=by)
