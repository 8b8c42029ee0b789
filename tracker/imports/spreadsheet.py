"""Action plans in and out of spreadsheets (XLSX and CSV).

Export writes one row per action (a recommendation with no action gets a row of its own) with every
field the plan carries. Import reads such a sheet, maps its columns to those fields (by header, or as
the user chooses), checks every row and reports each bad one with its row number and reason; nothing
is saved unless every row is good or the user chooses to skip the bad ones. An export imported into
another review gives back the same records."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.actions import services as action_services
from tracker.actions.models import Action, ActionStatus, StatusChange
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.imports.matching import AgencyIndex
from tracker.models_base import utcnow
from tracker.recommendations.models import Recommendation, RecommendationKind
from tracker.recommendations.services import create_recommendation
from tracker.reviews.models import Review
from tracker.users.models import User

FIELDS: list[tuple[str, str]] = [
    ("recommendation_number", "Recommendation number"),
    ("recommendation_text", "Recommendation"),
    ("recommendation_kind", "Recommendation kind"),
    ("addressed_to", "Addressed to"),
    ("action", "Action"),
    ("owner", "Owner agency"),
    ("lead", "Lead (email)"),
    ("due_date", "Due date"),
    ("original_due_date", "Original due date"),
    ("success_measure", "Success measure"),
    ("status", "Status"),
]
LABELS = dict(FIELDS)
REQUIRED = ("recommendation_number", "recommendation_text")
_SYNONYMS = {
    "recommendation_number": ("rec no", "rec number", "recommendation no", "no", "number", "ref", "rec"),
    "recommendation_text": ("recommendation text", "recommendations"),
    "action": ("action description", "actions", "description", "key action"),
    "owner": ("owner", "lead agency", "agency", "responsible agency"),
    "lead": ("lead", "lead officer", "lead email", "named lead"),
    "due_date": ("due", "deadline", "target date", "by when", "timescale"),
    "success_measure": ("measure of success", "success measures", "outcome", "impact measure"),
    "addressed_to": ("addressee", "addressees", "to"),
}
MAX_ROWS = 5000


# --- Reading -------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """Every row of the first sheet (or the CSV) as strings; the first row is the header."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # a damaged or mislabelled file
            raise DomainError("The spreadsheet could not be read. Save it again as .xlsx or .csv.",
                              field="file") from error
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
        book.close()
    elif name.endswith(".csv"):
        from tracker.imports.text import decode_text

        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(decode_text(data)))][: MAX_ROWS + 1]
    else:
        raise DomainError("The selected file must be an Excel (.xlsx) or CSV file.", field="file")
    rows = [[unsafe(c) for c in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise DomainError("The spreadsheet has no rows under its header row.", field="file")
    return rows


def guess_mapping(header: list[str]) -> dict[str, int]:
    """field -> column index, from the headers (an export maps itself exactly)."""
    mapping: dict[str, int] = {}
    norm = [" ".join(h.lower().replace("_", " ").split()) for h in header]
    for key, label in FIELDS:
        for i, h in enumerate(norm):
            if i in mapping.values():
                continue
            if h == label.lower() or h == key.replace("_", " ") or h in _SYNONYMS.get(key, ()):
                mapping[key] = i
                break
    return mapping


# --- Checking ------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    row_number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    addressees: list = field(default_factory=list)
    owner: object = None
    lead: object = None
    due: date | None = None
    original_due: date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if text.replace(".", "", 1).isdigit():  # an Excel serial number
        number = float(text)
        if 20000 < number < 80000:
            return date(1899, 12, 30) + timedelta(days=int(number))
    raise ValueError(text)


def check_rows(rows: list[list[str]], mapping: dict[str, int], agencies, users) -> list[PlanRow]:
    missing = [LABELS[k] for k in REQUIRED if k not in mapping]
    if missing:
        raise DomainError(f"Choose the column that holds: {', '.join(missing)}", field="mapping")
    index = AgencyIndex(agencies)
    by_email = {u.email.lower(): u for u in users}
    out = []
    seen_text: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {k: (row[i] if i < len(row) else "").strip() for k, i in mapping.items()}
        item = PlanRow(n, values)
        number, text = values.get("recommendation_number", ""), values.get("recommendation_text", "")
        if not number:
            item.errors.append("the recommendation number is empty")
        if not text:
            item.errors.append("the recommendation text is empty")
        elif number and seen_text.setdefault(number.lower(), text) != text:
            item.errors.append(f"recommendation {number} has different text on an earlier row")
        kind = values.get("recommendation_kind", "").lower().replace("-", "_").replace(" ", "_")
        kinds = {k.value: k.value for k in RecommendationKind} | {k.label.lower().replace("-", "_"): k.value
                                                                   for k in RecommendationKind}
        if kind and kind not in kinds:
            item.errors.append(f"“{values['recommendation_kind']}” is not a kind of recommendation")
        item.values["recommendation_kind"] = kinds.get(kind, RecommendationKind.PARTNERSHIP)
        for name in [p.strip() for p in values.get("addressed_to", "").split(";") if p.strip()]:
            found = index.find(name)
            if found is None:
                item.errors.append(f"no agency called “{name}” (addressed to)")
            else:
                item.addressees.append(found[0])
        if values.get("action"):
            owner = values.get("owner", "")
            found = index.find(owner) if owner else None
            if found is None:
                item.errors.append(f"no agency called “{owner}” (owner)" if owner else "the action has no owner agency")
            else:
                item.owner = found[0]
            if values.get("lead"):
                item.lead = by_email.get(values["lead"].lower())
                if item.lead is None:
                    item.errors.append(f"no user with the email {values['lead']}")
                elif item.owner is not None and item.lead.agency_id != item.owner.id:
                    item.errors.append(f"{values['lead']} is not a lead in {item.owner.name}")
            for key, attr in (("due_date", "due"), ("original_due_date", "original_due")):
                if values.get(key):
                    try:
                        setattr(item, attr, _date(values[key]))
                    except ValueError:
                        item.errors.append(f"{LABELS[key].lower()} “{values[key]}” is not a real date (use 31/03/2025)")
            if item.due is None and "due date" not in " ".join(item.errors):
                item.errors.append("the action has no due date")
            status = values.get("status", "").lower().replace(" ", "_") or ActionStatus.OPEN
            labels = {s.label.lower().replace(" ", "_"): s.value for s in ActionStatus}
            status = labels.get(status, status)
            if status not in {s.value for s in ActionStatus}:
                item.errors.append(f"“{values['status']}” is not an action status")
            item.values["status"] = status
        if not item.addressees and item.owner is not None:
            item.addressees = [item.owner]
        if not item.addressees and not item.errors:
            item.errors.append("the recommendation is not addressed to anyone (fill in Addressed to or Owner)")
        out.append(item)
    return out


# --- Saving --------------------------------------------------------------------------------------


def import_plan(review: Review, checked: list[PlanRow], *, by: User, today: date, skip_bad: bool) -> dict[str, int]:
    bad = [r for r in checked if not r.ok]
    if bad and not skip_bad:
        raise DomainError(f"{len(bad)} row{'s' if len(bad) != 1 else ''} cannot be imported. Correct the "
                          f"spreadsheet, or choose to skip the bad rows.")
    existing = {r.number.lower(): r for r in db.session.scalars(
        select(Recommendation).where(Recommendation.review_id == review.id))}
    recs = actions = 0
    for row in checked:
        if not row.ok:
            continue
        v = row.values
        number = " ".join(v["recommendation_number"].split())
        rec = existing.get(number.lower())
        if rec is None:
            rec = create_recommendation(review, number=number, text=v["recommendation_text"],
                                        kind=v["recommendation_kind"], addressees=row.addressees, themes=[])
            existing[number.lower()] = rec
            recs += 1
        if not v.get("action"):
            continue
        status = v.get("status") or ActionStatus.OPEN
        action = action_services.create_action(rec, description=v["action"], owner=row.owner, lead=row.lead,
                                               due_date=row.due, success_measure=v.get("success_measure", ""),
                                               by=by, today=today, open_now=status != ActionStatus.DRAFT)
        if row.original_due and row.original_due != row.due:
            action.original_due_date = row.original_due
        if status not in (ActionStatus.DRAFT, ActionStatus.OPEN):
            # A plan brought in from elsewhere keeps the status it had there; the history says so.
            now = utcnow()
            db.session.add(StatusChange(action=action, from_status=action.status, to_status=status,
                                        reason="Imported from an action plan spreadsheet", changed_by_id=by.id,
                                        changed_at=now))
            action.status = status
            if status in (ActionStatus.SUBMITTED, ActionStatus.ASSURED):
                action.submitted_at = now
            if status == ActionStatus.ASSURED:
                action.assured_at, action.assured_date = now, today
            if status in (ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED):
                action.status_reason = "Imported from an action plan spreadsheet"
        actions += 1
    db.session.flush()
    return {"recommendations": recs, "actions": actions, "skipped": len(bad)}


# --- Export --------------------------------------------------------------------------------------


def plan_rows(review: Review) -> list[list[str]]:
    recs = db.session.scalars(select(Recommendation).where(Recommendation.review_id == review.id)
                              .options(selectinload(Recommendation.addressees),
                                       selectinload(Recommendation.actions).selectinload(Action.owner_agency),
                                       selectinload(Recommendation.actions).selectinload(Action.lead))
                              .order_by(Recommendation.sort_key, Recommendation.id)).all()
    rows = [[label for _, label in FIELDS]]
    for rec in recs:
        base = [rec.number, rec.text, rec.kind, "; ".join(a.name for a in rec.addressees)]
        if not rec.actions:
            rows.append(base + [""] * 7)
        for action in rec.actions:
            rows.append(base + [action.description, action.owner_agency.name, action.lead.email if action.lead else "",
                                action.due_date.isoformat(), action.original_due_date.isoformat(),
                                action.success_measure, action.status])
    return rows


def _safe(value: str) -> str:
    """No spreadsheet formulas from user text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(review: Review) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in plan_rows(review):
        writer.writerow([_safe(c) for c in row])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(review: Review) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    for row in plan_rows(review):
        sheet.append([_safe(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unsafe(value: str) -> str:
    return value[1:] if value[:2] in ("'=", "'+", "'-", "'@") else value


def review_by_reference(reference: str) -> Review | None:
    return db.session.scalar(select(Review).where(func.lower(Review.reference) == reference.lower()))
