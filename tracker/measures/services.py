"""Verbs on measures and measurements. Services check the rules, flush, and raise a DomainError the
view shows on the form; the view commits. Every row written is recorded by the audit listener."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.models import Action, ActionStatus, ImpactOutcome, ImpactReview
from tracker.actions.services import record_impact_review as record_outcome
from tracker.actions.services import reopen_action
from tracker.core import lengths
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.measures.models import Direction, Measure, Measurement, MeasureUnit, meets
from tracker.recommendations.models import Recommendation
from tracker.users.models import User

TEXT_MAX = lengths.MEASURE  # and lengths.SOURCE: both 500
#: Values beyond this are typing mistakes, not counts from an audit.
VALUE_MAX = 1e9


@dataclass(frozen=True)
class MeasureFields:
    description: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_date: date | None
    baseline_source: str
    target_value: float | None
    target_date: date | None


def _value(value: float | None, unit: MeasureUnit, field: str, what: str) -> float:
    if value is None:
        raise DomainError(f"Enter {what}", field=field)
    if value != value or abs(value) > VALUE_MAX:  # NaN, or absurdly large
        raise DomainError(f"{what[0].upper()}{what[1:]} must be a number", field=field)
    if value < 0:
        raise DomainError(f"{what[0].upper()}{what[1:]} cannot be below 0", field=field)
    if unit is MeasureUnit.PERCENTAGE and value > 100:
        raise DomainError(f"{what[0].upper()}{what[1:]} is a percentage: it must be 100 or less", field=field)
    return float(value)


def _checked(fields: MeasureFields, today: date) -> dict:
    description = (fields.description or "").strip()
    if not description:
        raise DomainError("Enter what is counted", field="description")
    if len(description) > TEXT_MAX:
        raise DomainError(f"What is counted must be {TEXT_MAX} characters or fewer", field="description")
    if fields.unit not in {u.value for u in MeasureUnit}:
        raise DomainError("Select the unit", field="unit")
    if fields.direction not in {d.value for d in Direction}:
        raise DomainError("Select which direction is better", field="direction")
    unit, direction = MeasureUnit(fields.unit), Direction(fields.direction)
    baseline = _value(fields.baseline_value, unit, "baseline_value", "the baseline")
    if fields.baseline_date is None:
        raise DomainError("Enter the date of the baseline", field="baseline_date")
    if fields.baseline_date > today:
        raise DomainError("The date of the baseline cannot be in the future", field="baseline_date")
    source = (fields.baseline_source or "").strip()
    if len(source) > TEXT_MAX:
        raise DomainError(f"The source must be {TEXT_MAX} characters or fewer", field="baseline_source")
    target = _value(fields.target_value, unit, "target_value", "the target")
    if direction is Direction.UP and target <= baseline:
        raise DomainError(f"Higher is better, so the target must be above the baseline "
                          f"({unit.format(baseline)})", field="target_value")
    if direction is Direction.DOWN and target >= baseline:
        raise DomainError(f"Lower is better, so the target must be below the baseline "
                          f"({unit.format(baseline)})", field="target_value")
    if fields.target_date is None:
        raise DomainError("Enter the date the target should be reached by", field="target_date")
    if fields.target_date <= fields.baseline_date:
        raise DomainError("The target date must be after the date of the baseline", field="target_date")
    return {"description": description, "unit": unit, "direction": direction, "baseline_value": baseline,
            "baseline_date": fields.baseline_date, "baseline_source": source, "target_value": target,
            "target_date": fields.target_date}


def add_measure(subject: Action | Recommendation, fields: MeasureFields, *, by: User, today: date) -> Measure:
    """A measure on one action, or on a recommendation for a measure its actions share."""
    if isinstance(subject, Action) and subject.is_closed and not subject.is_assured:
        raise DomainError("A withdrawn or superseded action takes no measures.")
    owner = {"action": subject} if isinstance(subject, Action) else {"recommendation": subject}
    measure = Measure(**owner, **_checked(fields, today), created_by_id=by.id, created_at=utcnow())
    db.session.add(measure)
    db.session.flush()
    return measure


def edit_measure(measure: Measure, fields: MeasureFields, *, today: date) -> None:
    """The baseline cannot move past a measurement already recorded against it."""
    values = _checked(fields, today)
    first = measure.measurements[0] if measure.measurements else None
    if first is not None and first.measured_date < values["baseline_date"]:
        raise DomainError(f"A measurement is already recorded on {first.measured_date:%d/%m/%Y}: the baseline "
                          f"must be dated on or before it", field="baseline_date")
    if values["unit"] is MeasureUnit.PERCENTAGE and any(m.value > 100 for m in measure.measurements):
        raise DomainError("Measurements above 100 are recorded, so the unit cannot be a percentage", field="unit")
    for name, value in values.items():
        setattr(measure, name, value)
    db.session.flush()


@dataclass(frozen=True)
class MeasurementFields:
    measured_date: date | None
    value: float | None
    sample_size: int | None
    source: str
    evidence_link: str = ""


#: More than any partnership's population: a larger figure is a typing slip, and would not fit the column.
MAX_SAMPLE_SIZE = 100_000_000


def record_measurement(measure: Measure, fields: MeasurementFields, *, by: User, today: date,
                       reopen: bool = True) -> Measurement:
    """A new dated value: never before the baseline, never in the future, from a sample of at least one.
    The latest value of an assured action's measure falling short of the target means the change has
    not lasted: the action is reopened (every assured action of the recommendation, for a shared measure)."""
    unit = MeasureUnit(measure.unit)
    if fields.measured_date is None:
        raise DomainError("Enter the date of the measurement", field="measured_date")
    if fields.measured_date < measure.baseline_date:
        raise DomainError(f"The measurement cannot be dated before the baseline "
                          f"({measure.baseline_date.day} {measure.baseline_date:%B %Y})", field="measured_date")
    if fields.measured_date > today:
        raise DomainError("The date of the measurement cannot be in the future", field="measured_date")
    value = _value(fields.value, unit, "value", "the value")
    if fields.sample_size is not None and fields.sample_size < 1:
        raise DomainError("The sample size must be at least 1 (leave it empty if there is no sample)",
                          field="sample_size")
    if fields.sample_size is not None and fields.sample_size > MAX_SAMPLE_SIZE:
        raise DomainError(f"The sample size must be {MAX_SAMPLE_SIZE:,} or fewer", field="sample_size")
    source = (fields.source or "").strip()
    if not source:
        raise DomainError("Enter where the figure comes from (the audit or data set)", field="source")
    if len(source) > TEXT_MAX:
        raise DomainError(f"The source must be {TEXT_MAX} characters or fewer", field="source")
    link = (fields.evidence_link or "").strip()
    if link:
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 2000:
            raise DomainError("Enter a link that starts with http:// or https://", field="evidence_link")
    measurement = Measurement(measure=measure, measured_date=fields.measured_date, value=value,
                              sample_size=fields.sample_size, source=source, evidence_link=link,
                              recorded_by_id=by.id, recorded_at=utcnow())
    db.session.add(measurement)
    db.session.flush()
    is_latest = all(m.measured_date <= measurement.measured_date for m in measure.measurements)
    if reopen and is_latest and not meets(measure.direction, value, measure.target_value):
        reason = (f"{measure.description}: {unit.format(value)} on {fields.measured_date.day} "
                  f"{fields.measured_date:%B %Y}, below the target of {unit.format(measure.target_value)}")
        for action in _assured_actions(measure):
            reopen_action(action, by, reason, today)
    return measurement


def record_impact_review(action: Action, *, outcome: str, note: str, next_review_date: date | None,
                         new_due_date: date | None, by: User, today: date, measure: Measure | None = None,
                         reading: MeasurementFields | None = None) -> ImpactReview:
    """An impact review's result: the outcome, and (when one of the action's measures was re-measured)
    the measurement, dated the day of the review. The outcome decides what follows (not sustained
    reopens); a value short of the target cannot be called sustained."""
    if measure is not None and reading is not None:
        if measure.action_id != action.id and measure.recommendation_id != action.recommendation_id:
            raise DomainError("Choose one of this action's measures", field="measure_id")
        if (outcome == ImpactOutcome.SUSTAINED and reading.value is not None
                and not meets(measure.direction, reading.value, measure.target_value)):
            raise DomainError(f"{measure.show(reading.value)} does not meet the target of "
                              f"{measure.show(measure.target_value)}: the change is partly or not sustained",
                              field="outcome")
        if action.status != ActionStatus.ASSURED:
            raise DomainError("Only an assured action has its impact reviewed.")
        record_measurement(measure, reading, by=by, today=today, reopen=False)
    return record_outcome(action, outcome=outcome, note=note, next_review_date=next_review_date, by=by,
                          today=today, new_due_date=new_due_date)


def _assured_actions(measure: Measure) -> list[Action]:
    if measure.action_id is not None:
        return [measure.action] if measure.action.status == ActionStatus.ASSURED else []
    return list(db.session.scalars(select(Action).where(Action.recommendation_id == measure.recommendation_id,
                                                        Action.status == ActionStatus.ASSURED)
                                   .order_by(Action.id)))


def measures_for_action(action: Action) -> list[Measure]:
    """The action's own measures, then those of its recommendation that its actions share: one query
    for the measures and one for all their measurements, however many there are."""
    stmt = (select(Measure)
            .where((Measure.action_id == action.id) | (Measure.recommendation_id == action.recommendation_id))
            .order_by(Measure.recommendation_id.is_not(None), Measure.id))
    return _with_measurements(list(db.session.scalars(stmt)))


def _with_measurements(measures: list[Measure]) -> list[Measure]:
    """Every measure's measurements in one query, run even when there are no measures: the page's
    query count is the same whatever the action holds (selectinload skips it for none)."""
    rows = db.session.scalars(select(Measurement).where(Measurement.measure_id.in_([m.id for m in measures]))
                              .order_by(Measurement.measure_id, Measurement.measured_date, Measurement.id))
    by_measure: dict[int, list[Measurement]] = {m.id: [] for m in measures}
    for row in rows:
        by_measure[row.measure_id].append(row)
    for measure in measures:
        set_committed_value(measure, "measurements", by_measure[measure.id])
    return measures


def measures_for_recommendation(recommendation: Recommendation) -> list[Measure]:
    stmt = select(Measure).where(Measure.recommendation_id == recommendation.id).order_by(Measure.id)
    return _with_measurements(list(db.session.scalars(stmt)))
