"""Measures and measurements in an action plan workbook, beside the plan sheet.

The XLSX export carries two more sheets, "Measures" and "Measurements", with typed cells (real dates
and numbers). Each row names its subject by reference, as the plan does: the action's reference
(ACT-12) for an action's measure, or only the recommendation number for a measure its actions share;
then the measure by what is counted. Importing the workbook back goes through the measures' own
services (the web forms' rules), each row in its own savepoint: a measure the same as the one held
is unchanged, a different one is edited, a new one added; a measurement already held (same date,
value, sample and source) is unchanged, any other is recorded. So a second import changes nothing,
and an import into another review (or another database) gives back the same measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Action
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.measures import services as measure_services
from tracker.measures.models import Direction, Measure, MeasureUnit
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import User

MEASURES, MEASUREMENTS = "Measures", "Measurements"
HEADERS = {
    MEASURES: ["Action reference", "Recommendation number", "Measure", "Unit", "Direction", "Baseline",
               "Baseline date", "Baseline source", "Target", "Target date"],
    MEASUREMENTS: ["Action reference", "Recommendation number", "Measure", "Date", "Value", "Sample size",
                   "Source", "Evidence link"],
}
WIDTHS = {"Measure": 50, "Baseline source": 30, "Source": 30, "Evidence link": 30, "Recommendation number": 14}


# --- Export --------------------------------------------------------------------------------------


def _review_measures(review: Review) -> list[Measure]:
    """The review's measures (its actions' and its recommendations'), each with its measurements:
    two queries, however many there are."""
    action_ids = select(Action.id).where(Action.review_id == review.id)
    rec_ids = select(Recommendation.id).where(Recommendation.review_id == review.id)
    return list(db.session.scalars(
        select(Measure).where(or_(Measure.action_id.in_(action_ids), Measure.recommendation_id.in_(rec_ids)))
        .options(selectinload(Measure.measurements),
                 selectinload(Measure.action).selectinload(Action.recommendation),
                 selectinload(Measure.recommendation))
        .order_by(Measure.id)))


def sheet_rows(review: Review, reference) -> dict[str, list[list]]:
    """Each sheet's rows under its header: `reference(action)` names an action as the plan sheet does."""
    out = {name: [list(headers)] for name, headers in HEADERS.items()}
    for measure in _review_measures(review):
        if measure.action is not None:
            subject = [reference(measure.action), measure.action.recommendation.number]
        else:
            subject = ["", measure.recommendation.number]
        out[MEASURES].append(subject + [measure.description, MeasureUnit(measure.unit).label,
                                        Direction(measure.direction).label, measure.baseline_value,
                                        measure.baseline_date, measure.baseline_source, measure.target_value,
                                        measure.target_date])
        for m in measure.measurements:
            out[MEASUREMENTS].append(subject + [measure.description, m.measured_date, m.value, m.sample_size,
                                                m.source, m.evidence_link])
    return out


# --- Import --------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One row of a measures sheet as the import preview lists it (the plan rows' shape)."""

    sheet: str
    row_number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def rows_of(sheet: str, rows: list[list[str]]) -> list[SheetRow]:
    """A sheet's rows (strings, as read) keyed by its headers; rows with nothing in them are left out."""
    if not rows:
        return []
    header = [" ".join(str(h).split()).lower() for h in rows[0]]
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {name: (row[header.index(name.lower())] if name.lower() in header
                         and header.index(name.lower()) < len(row) else "").strip()
                  for name in HEADERS[sheet]}
        # The preview's columns: the recommendation, then the subject and what is counted.
        values["recommendation_number"] = values["Recommendation number"]
        values["recommendation_text"] = f"{sheet} sheet"
        values["action_reference"] = values["Action reference"]
        values["action"] = values["Measure"]
        out.append(SheetRow(sheet, n, values))
    return out


def _number(text: str, what: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "").removesuffix("%"))
    except ValueError:
        raise DomainError(f"the {what} “{text}” is not a number") from None


def _day(text: str, what: str) -> date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise DomainError(f"the {what} “{text}” is not a real date (use 31/03/2025)")


def _choice(text: str, enum, what: str) -> str:
    wanted = text.strip().lower()
    for member in enum:
        if wanted in (member.value, member.label.lower()):
            return member.value
    raise DomainError(f"“{text}” is not a {what} (one of: {', '.join(m.label for m in enum)})")


def _measure_fields(v: dict[str, str]) -> measure_services.MeasureFields:
    return measure_services.MeasureFields(
        description=v["Measure"], unit=_choice(v["Unit"], MeasureUnit, "unit"),
        direction=_choice(v["Direction"], Direction, "direction"),
        baseline_value=_number(v["Baseline"], "baseline"), baseline_date=_day(v["Baseline date"], "baseline date"),
        baseline_source=v["Baseline source"], target_value=_number(v["Target"], "target"),
        target_date=_day(v["Target date"], "target date"))


def _reading(v: dict[str, str]) -> measure_services.MeasurementFields:
    sample = _number(v["Sample size"], "sample size")
    if sample is not None and not sample.is_integer():
        raise DomainError(f"the sample size “{v['Sample size']}” is not a whole number")
    return measure_services.MeasurementFields(measured_date=_day(v["Date"], "date"), value=_number(v["Value"], "value"),
                                              sample_size=None if sample is None else int(sample),
                                              source=v["Source"], evidence_link=v["Evidence link"])


class Subjects:
    """Finds a row's measure by reference: the action the plan's rows named (held or just created)
    or the recommendation of the review by its number, then the measure by what is counted."""

    def __init__(self, review: Review, actions: dict[str, Action], recs: dict[str, Recommendation]):
        self.actions, self.recs = actions, recs
        ids = [a.id for a in actions.values() if a.id is not None]
        measures = db.session.scalars(
            select(Measure).where(or_(Measure.action_id.in_(ids),
                                      Measure.recommendation_id.in_([r.id for r in recs.values()])))
            .options(selectinload(Measure.measurements))).all()
        self.measures: dict[tuple, Measure] = {self._key(m.action_id, m.recommendation_id, m.description): m
                                               for m in measures}

    @staticmethod
    def _key(action_id, rec_id, description: str) -> tuple:
        return action_id, rec_id, " ".join(description.split()).lower()

    def subject(self, v: dict[str, str]) -> Action | Recommendation:
        ref, number = v["Action reference"].strip().upper(), " ".join(v["Recommendation number"].split()).lower()
        if ref:
            if ref not in self.actions:
                raise DomainError(f"{v['Action reference']} is not an action on the plan sheet of this import")
            return self.actions[ref]
        if number not in self.recs:
            raise DomainError(f"no recommendation {v['Recommendation number'] or '(empty)'} in this review "
                              f"(fill in the action reference or the recommendation number)")
        return self.recs[number]

    def find(self, v: dict[str, str]) -> tuple[Action | Recommendation, Measure | None]:
        subject = self.subject(v)
        key = (self._key(subject.id, None, v["Measure"]) if isinstance(subject, Action)
               else self._key(None, subject.id, v["Measure"]))
        return subject, self.measures.get(key)

    def add(self, measure: Measure) -> None:
        self.measures[self._key(measure.action_id, measure.recommendation_id, measure.description)] = measure


def _same_measure(measure: Measure, fields: measure_services.MeasureFields) -> bool:
    return (measure.unit == fields.unit and measure.direction == fields.direction
            and measure.baseline_value == fields.baseline_value and measure.baseline_date == fields.baseline_date
            and measure.baseline_source == (fields.baseline_source or "").strip()
            and measure.target_value == fields.target_value and measure.target_date == fields.target_date)


def apply_measure(row: SheetRow, subjects: Subjects, *, by: User, today: date) -> str:
    """A Measures row: "unchanged", "changed" or "new" (a DomainError for a row the rules refuse)."""
    subject, measure = subjects.find(row.values)
    fields = _measure_fields(row.values)
    if measure is None:
        subjects.add(measure_services.add_measure(subject, fields, by=by, today=today))
        return "new"
    if _same_measure(measure, fields):
        return "unchanged"
    measure_services.edit_measure(measure, fields, today=today)
    return "changed"


def apply_measurement(row: SheetRow, subjects: Subjects, *, by: User, today: date) -> str:
    """A Measurements row: "unchanged" when the measure holds it already, else "new"."""
    _, measure = subjects.find(row.values)
    if measure is None:
        raise DomainError(f"no measure “{row.values['Measure']}” of this action on the Measures sheet or in the "
                          f"review")
    reading = _reading(row.values)
    source = (reading.source or "").strip()
    held = any(m.measured_date == reading.measured_date and m.value == reading.value
               and m.sample_size == reading.sample_size and m.source == source for m in measure.measurements)
    if held:
        return "unchanged"
    measure_services.record_measurement(measure, reading, by=by, today=today)
    return "new"
