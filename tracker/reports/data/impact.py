"""The board report's lead: what changed in practice, as measured. For each measure in scope its
baseline, latest value (as at the report's day) and target with a small trend; the actions reopened
in the period because the change had not lasted; the recommendations and reviews the board closed in
the period, with their decision references. Four queries, whatever the size of the data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import groupby
from operator import itemgetter

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select

from tracker.actions.models import Action, ActionStatus, StatusChange
from tracker.closure.models import ClosureDecision, ClosureKind
from tracker.core.clock import LONDON
from tracker.measures.charts import trend_chart
from tracker.measures.models import Measure, Measurement, MeasureUnit, meets
from tracker.recommendations.models import Recommendation
from tracker.reports.data.history import uk_date
from tracker.reports.data.reading import StoredDays, driver_rows, read
from tracker.reports.data.scope import InScope
from tracker.reviews.models import Review
from tracker.users.models import Agency


@dataclass(frozen=True)
class MeasureLine:
    id: int
    review_reference: str
    recommendation_number: str
    owner: str  # the owning agency, or "Shared by the recommendation's actions"
    description: str
    unit: str
    baseline: tuple[date, float]
    target: tuple[date, float]
    points: tuple[tuple[date, float], ...] = ()
    direction: str = "up"

    def show(self, value: float) -> str:
        return MeasureUnit(self.unit).format(value)

    @property
    def latest(self) -> tuple[date, float] | None:
        return self.points[-1] if self.points else None

    @property
    def met(self) -> bool | None:
        return None if not self.points else meets(self.direction, self.points[-1][1], self.target[1])

    @property
    def chart(self) -> Markup:
        return trend_chart(f"report-measure-{self.id}", title=f"Trend: {self.description}", baseline=self.baseline,
                           target=self.target, points=self.points, show=self.show,
                           percentage=self.unit == MeasureUnit.PERCENTAGE)


@dataclass(frozen=True)
class ReopenedLine:
    action_id: int
    reference: str
    owner: str
    description: str
    reopened_on: date
    reason: str


@dataclass(frozen=True)
class ClosedLine:
    what: str  # "Recommendation 3 of CSPR-9" or "Review CSPR-9"
    decision_date: date
    meeting: str
    minute_reference: str
    risk_accepted: str


@dataclass
class ImpactSection:
    measures: list[MeasureLine] = field(default_factory=list)
    reopened: list[ReopenedLine] = field(default_factory=list)
    closed: list[ClosedLine] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for m in self.measures if m.met)

    @property
    def by_review(self) -> dict[str, list[MeasureLine]]:
        grouped: dict[str, list[MeasureLine]] = defaultdict(list)
        for line in self.measures:
            grouped[line.review_reference].append(line)
        return dict(grouped)


#: A measurement row's measure.
MEASURE = itemgetter(0)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=LONDON)


def load_impact(selected: InScope, start: date, as_at: date) -> ImpactSection:
    """Measures of the actions and recommendations in scope (made by the as-at day), their
    measurements dated on or before it, and the reopenings and closures between `start` and `as_at`."""
    rec_of = func.coalesce(Measure.recommendation_id, Action.recommendation_id)
    in_scope = or_(Measure.action_id.in_(selected.actions), Measure.recommendation_id.in_(selected.recommendations))
    rows = read(
        select(Measure.id, Measure.description, Measure.unit, Measure.direction, Measure.baseline_value,
               Measure.baseline_date, Measure.target_value, Measure.target_date, Review.reference,
               Recommendation.number, Agency.name.label("owner"))
        .outerjoin(Action, Action.id == Measure.action_id)
        .outerjoin(Agency, Agency.id == Action.owner_agency_id)
        .join(Recommendation, Recommendation.id == rec_of)
        .join(Review, Review.id == Recommendation.review_id)
        .where(in_scope, Measure.baseline_date <= as_at)
        .order_by(Review.reference, Recommendation.sort_key, Measure.id)).all()           # 1
    # By the measures found (a thousand ids at the ten-year size, not the twelve thousand actions in
    # scope again): SQLite reads them through ix_measurements_measure_date, in about half the time.
    # Forty thousand points at the ten-year size, read as the driver gives them (the dates made dates
    # by a memo) and grouped by measure as they come.
    days = StoredDays()
    points = {measure_id: tuple([(days[day], value) for _, day, value in group])
              for measure_id, group in groupby(driver_rows(
                  select(Measurement.measure_id, Measurement.measured_date, Measurement.value)
                  .where(Measurement.measure_id.in_([r.id for r in rows]), Measurement.measured_date <= as_at)
                  .order_by(Measurement.measure_id, Measurement.measured_date, Measurement.id)), MEASURE)}  # 2
    measures = [MeasureLine(id=r.id, review_reference=r.reference, recommendation_number=r.number,
                            owner=r.owner or "Shared by the recommendation's actions", description=r.description,
                            unit=r.unit, baseline=(r.baseline_date, r.baseline_value),
                            target=(r.target_date, r.target_value), points=points.get(r.id, ()), direction=r.direction)
                for r in rows]

    since, until = _end_of(start), _end_of(as_at)
    reopened = [ReopenedLine(action_id=r.action_id, reference=f"{r.reference} R{r.number} A{r.action_id}",
                             owner=r.owner, description=r.description, reopened_on=uk_date(r.changed_at),
                             reason=r.reason)
                for r in read(
                    select(StatusChange.action_id, StatusChange.changed_at, StatusChange.reason, Action.description,
                           Review.reference, Recommendation.number, Agency.name.label("owner"))
                    .join(Action, Action.id == StatusChange.action_id)
                    .join(Recommendation, Recommendation.id == Action.recommendation_id)
                    .join(Review, Review.id == Action.review_id)
                    .join(Agency, Agency.id == Action.owner_agency_id)
                    .where(selected.has_action(StatusChange.action_id),
                           StatusChange.from_status == ActionStatus.ASSURED,
                           StatusChange.to_status == ActionStatus.IN_PROGRESS,
                           StatusChange.changed_at > since, StatusChange.changed_at <= until)
                    .order_by(StatusChange.changed_at, StatusChange.id))]                  # 3

    reviews_in_scope = select(Recommendation.review_id).where(Recommendation.id.in_(selected.recommendations))
    closed = [ClosedLine(what=(f"Recommendation {r.number} of {r.reference}" if r.number is not None
                               else f"Review {r.reference}: {r.title}"),
                         decision_date=r.decision_date, meeting=r.meeting, minute_reference=r.minute_reference,
                         risk_accepted=r.risk_accepted)
              for r in read(
                  select(ClosureDecision.decision_date, ClosureDecision.meeting, ClosureDecision.minute_reference,
                         ClosureDecision.risk_accepted, Recommendation.number, Review.reference, Review.title)
                  .outerjoin(Recommendation, Recommendation.id == ClosureDecision.recommendation_id)
                  .join(Review, Review.id == ClosureDecision.review_id)
                  .where(ClosureDecision.kind == ClosureKind.CLOSED,
                         ClosureDecision.decision_date > start, ClosureDecision.decision_date <= as_at,
                         or_(ClosureDecision.recommendation_id.in_(selected.recommendations),
                             and_(ClosureDecision.recommendation_id.is_(None),
                                  ClosureDecision.review_id.in_(reviews_in_scope))))
                  .order_by(ClosureDecision.decision_date, ClosureDecision.id))]            # 4
    return ImpactSection(measures=measures, reopened=reopened, closed=closed)
