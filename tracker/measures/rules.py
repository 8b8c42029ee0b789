"""What the measures say about an action, for the rules that read them (assurance, reopening):
one query, the latest measurement of each of the action's measures and its recommendation's."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.measures.models import Measure, Measurement, MeasureUnit, meets


@dataclass(frozen=True)
class MeasureStanding:
    measure_id: int
    description: str
    unit: str
    target_value: float
    latest_value: float | None
    latest_date: date | None
    met: bool

    @property
    def sentence(self) -> str:
        unit = MeasureUnit(self.unit)
        if self.latest_value is None:
            return f"{self.description}: not measured yet (target {unit.format(self.target_value)})"
        return (f"{self.description}: {unit.format(self.latest_value)} on {self.latest_date.day} "
                f"{self.latest_date:%B %Y}, target {unit.format(self.target_value)}")


def standings(action_id: int, recommendation_id: int) -> list[MeasureStanding]:
    """Each measure of the action (and of its recommendation) with its latest measurement, if any."""
    latest = (select(Measurement.measure_id, func.max(Measurement.measured_date).label("day"))
              .group_by(Measurement.measure_id).subquery())
    rows = db.session.execute(
        select(Measure.id, Measure.description, Measure.unit, Measure.direction, Measure.target_value,
               Measurement.value, Measurement.measured_date)
        .where((Measure.action_id == action_id) | (Measure.recommendation_id == recommendation_id))
        .outerjoin(latest, latest.c.measure_id == Measure.id)
        .outerjoin(Measurement, (Measurement.measure_id == Measure.id) & (Measurement.measured_date == latest.c.day))
        .order_by(Measure.id, Measurement.id.desc())).all()
    out: dict[int, MeasureStanding] = {}
    for row in rows:
        if row.id in out:  # two measurements on the latest day: the one recorded last counts
            continue
        met = row.value is not None and meets(row.direction, row.value, row.target_value)
        out[row.id] = MeasureStanding(row.id, row.description, row.unit, row.target_value, row.value,
                                      row.measured_date, met)
    return list(out.values())


def unmet(action_id: int, recommendation_id: int) -> list[MeasureStanding]:
    """The measures whose latest value does not meet the target (or that have none yet)."""
    return [s for s in standings(action_id, recommendation_id) if not s.met]
