"""Action plans in and out of spreadsheets (XLSX and CSV); tracker.imports.plans compares and saves.

Export writes one row per action (a recommendation with no action gets a row of its own) with every
field the plan carries, starting with the action's reference (ACT-12). Import reads such a sheet (in
the limited parsing process), maps its columns to those fields (by header, or as the user chooses)
and checks every row, reporting each bad one with its row number and reason. Rows whose reference
names an action of the review update it; the others are added, so an export imported into another
review gives back the same records, and imported back into its own review changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Action, ActionStatus
from tracker.core import lengths
from tracker.core.errors import DomainError
from tracker.core.spreadsheets import xlsx_value
from tracker.extensions import db
from tracker.imports import limits, measure_sheets
from tracker.imports.matching import AgencyIndex
from tracker.imports.text import decode_text
from tracker.recommendations.models import Recommendation, RecommendationKind
from tracker.reviews.models import Review

FIELDS: list[tuple[str, str]] = [
    ("action_reference", "Action reference"),
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
    ("change_reason", "Reason for change"),
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
    "action_reference": ("action ref", "action id", "reference"),
    "change_reason": ("reason", "reason for the change", "change reason"),
}
MAX_ROWS = limits.MAX_PLAN_ROWS
#: The same limits as the web forms, from the one table (tracker/core/lengths.py).
MAX_LENGTHS = {"recommendation_number": lengths.ITEM_NUMBER, "recommendation_text": lengths.LONG_TEXT,
               "action": lengths.DESCRIPTION, "success_measure": lengths.DESCRIPTION, "change_reason": lengths.REASON,
               "action_reference": lengths.NUMBER}
REFERENCE_PREFIX = "ACT-"


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
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        book.close()
    elif name.endswith(".csv"):
        try:
            rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(decode_text(data)))][: MAX_ROWS + 2]
        except csv.Error as error:  # a cell longer than the csv module's limit (131,072 characters)
            raise DomainError(f"The CSV file could not be read ({error}): a cell may be far too long.",
                              field="file") from error
    else:
        raise DomainError("The selected file must be an Excel (.xlsx) or CSV file.", field="file")
    rows = [[unsafe(c) for c in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise DomainError("The spreadsheet has no rows under its header row.", field="file")
    if len(rows) > MAX_ROWS + 1:
        raise DomainError(f"The spreadsheet has more than {MAX_ROWS:,} rows. Split it into smaller plans.",
                          field="file")
    return rows


def read_measure_sheets(filename: str, data: bytes) -> dict[str, list[list[str]]]:
    """The "Measures" and "Measurements" sheets of an exported workbook (none for a CSV file, or a
    workbook without them), as strings like the plan's rows; their row limit is the plan's."""
    if not (filename or "").lower().endswith(".xlsx"):
        return {}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = {}
    for name in measure_sheets.HEADERS:
        if name in book.sheetnames:
            rows = [[unsafe(_cell(v)) for v in row]
                    for row in book[name].iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
            if len(rows) > MAX_ROWS + 1:
                book.close()
                raise DomainError(f"The {name} sheet has more than {MAX_ROWS:,} rows.", field="file")
            out[name] = rows
    book.close()
    return out


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
        for key, most in MAX_LENGTHS.items():
            if len(values.get(key, "")) > most:
                item.errors.append(f"the {LABELS[key].lower()} is {len(values[key]):,} characters long; the most is "
                                   f"{most:,}")
                values[key] = values[key][:most]
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


# --- Export --------------------------------------------------------------------------------------


def action_reference(action: Action) -> str:
    """How an exported plan names each action, so importing it back updates that action."""
    return f"{REFERENCE_PREFIX}{action.id}"


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
            rows.append([""] + base + [""] * 8)
        for action in sorted(rec.actions, key=lambda a: a.id):
            rows.append([action_reference(action)] + base
                        + [action.description, action.owner_agency.name, action.lead.email if action.lead else "",
                           action.due_date.isoformat(), action.original_due_date.isoformat(),
                           action.success_measure, action.status, ""])
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
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    for row in plan_rows(review):
        sheet.append([_safe(c) for c in row])
    for name, rows in measure_sheets.sheet_rows(review, action_reference).items():
        sheet = book.create_sheet(name)
        for index, header in enumerate(rows[0], 1):
            sheet.column_dimensions[get_column_letter(index)].width = measure_sheets.WIDTHS.get(header, 14)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([xlsx_value(c) for c in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unsafe(value: str) -> str:
    return value[1:] if value[:2] in ("'=", "'+", "'-", "'@") else value


def review_by_reference(reference: str) -> Review | None:
    return db.session.scalar(select(Review).where(func.lower(Review.reference) == reference.lower()))
