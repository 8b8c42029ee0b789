"""The demo's impact loop, so a newcomer sees it whole: measures with realistic series on the assured
actions (their targets met), one measure short of its target on an action waiting for assurance, an
action reopened after an impact review found the change had not lasted, and the board's closure of
the first review (its four recommendations, their actions all assured, closed at one meeting with its
minute reference: closing the last closes the review)."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from tracker.actions.models import Action, ActionStatus, StatusChange
from tracker.closure.models import ClosureDecision
from tracker.closure.services import close_recommendation
from tracker.extensions import db
from tracker.measures import services as measures
from tracker.measures.models import Measure, Measurement
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import User

#: The review whose work is all assured and which the board closes.
CLOSED_REVIEW = "CSPR-2021-01"

#: What is counted, the unit, the better direction, the baseline, the target: one per assured action.
MEASURES = [
    ("Strategy discussions with health present", "percentage", "up", 38.0, 85.0, "MASH strategy discussion log"),
    ("Case files with a genogram", "percentage", "up", 20.0, 80.0, "Multi-agency case file audit"),
    ("Days from referral to initial strategy discussion", "days", "down", 9.0, 3.0, "MASH performance data"),
    ("Children seen alone at each statutory visit", "percentage", "up", 55.0, 90.0, "Practice audit"),
    ("Repeat referrals within 12 months", "percentage", "down", 28.0, 18.0, "Children's services data set"),
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 30), tzinfo=UTC)


def _series(baseline: float, target: float, points: int, reach: bool) -> list[float]:
    """A believable path from the baseline towards the target, with a wobble; `reach` ends at or
    beyond the target."""
    end = target + (target - baseline) * 0.05 if reach else baseline + (target - baseline) * 0.55
    values = []
    for n in range(1, points + 1):
        step = baseline + (end - baseline) * n / points
        wobble = (-1) ** n * abs(target - baseline) * 0.04 if n < points else 0
        values.append(round(step + wobble, 1))
    return values


def _measure(action: Action, spec, today: date, by: User, *, reach: bool, points: int = 6):
    description, unit, direction, baseline, target, source = spec
    start = today - timedelta(days=30 * (points + 1))
    measure = measures.add_measure(action, measures.MeasureFields(
        description=description, unit=unit, direction=direction, baseline_value=baseline, baseline_date=start,
        baseline_source=f"{source}, baseline", target_value=target, target_date=today + timedelta(days=120)),
        by=by, today=today)
    for n, value in enumerate(_series(baseline, target, points, reach), start=1):
        day = start + timedelta(days=30 * n)
        measures.record_measurement(measure, measures.MeasurementFields(
            measured_date=day, value=value, sample_size=30 + 5 * n, source=f"{source}, {day:%B %Y}"),
            by=by, today=today, reopen=False)  # the history before assurance: the rule applies from now on
    return measure


def build_impact_story(today: date, officer: User, manager: User) -> None:
    assured = db.session.scalars(select(Action).where(Action.status == ActionStatus.ASSURED)
                                 .order_by(Action.id)).all()
    faded, met = (assured[-1], assured[:-1]) if len(assured) > 1 else (None, assured)
    for action, spec in zip(met, MEASURES):
        _measure(action, spec, today, action.lead or officer, reach=True)
    waiting = db.session.scalar(select(Action).where(Action.status == ActionStatus.SUBMITTED).order_by(Action.id))
    if waiting is not None:
        _measure(waiting, ("Referrals with the father's details recorded", "percentage", "up", 31.0, 75.0,
                           "Referral audit"), today, waiting.lead or officer, reach=False)

    # Not sustained: the last assured action's change faded; the impact review reopens it.
    if faded is not None:
        spec = ("Escalations resolved within 10 working days", "percentage", "up", 40.0, 80.0, "Escalation log")
        measure = _measure(faded, spec, today - timedelta(days=14), faded.lead or officer, reach=True, points=5)
        reviewed = today - timedelta(days=14)
        measures.record_impact_review(
            faded, outcome="not_sustained", note="The escalation log shows resolution back to 52% since the "
            "team restructure; the protocol is no longer being followed in two localities.",
            next_review_date=None, new_due_date=today + timedelta(days=76), by=manager, today=reviewed,
            measure=measure, reading=measures.MeasurementFields(reviewed, 52.0, 48, "Escalation log, six-month review"))
        for change in db.session.scalars(select(StatusChange).where(StatusChange.action_id == faded.id,
                                                                    StatusChange.from_status == ActionStatus.ASSURED)):
            change.changed_at = _at(reviewed)
        for change in faded.due_date_changes[-1:]:
            change.changed_at = _at(reviewed)
        for review in faded.impact_reviews:
            review.recorded_at = _at(reviewed)

    # The board closes the recommendations whose actions are all assured (their targets met); the
    # last of the first review closes the review, with the same decision reference.
    recommendations = db.session.scalars(select(Recommendation).join(Review, Review.id == Recommendation.review_id)
                                         .where(Review.reference == CLOSED_REVIEW)
                                         .order_by(Recommendation.sort_key)).all()
    for n, recommendation in enumerate(recommendations):
        if recommendation.actions and all(a.status == ActionStatus.ASSURED for a in recommendation.actions):
            close_recommendation(recommendation, decision_date=today - timedelta(days=21),
                                 meeting="Safeguarding Partnership Board", minute_reference=f"SPB/{today.year}/41."
                                 f"{n + 1}", risk_accepted="", by=officer, today=today)
    for decision in db.session.scalars(select(ClosureDecision)):
        decision.decided_at = _at(decision.decision_date)


#: One action in this many has five measures of forty monthly measurements each (the benchmark's
#: action page, and the board report's impact section at the ten-year size).
MEASURED_EVERY = 60
MEASURE_NAMES = ("Case files with a genogram", "Strategy discussions with health present",
                 "Children seen alone at each visit", "Referrals with the father's details",
                 "Escalations resolved within 10 working days")


def large_measures(rng: random.Random, today: date) -> None:
    """For `flask demo-data --scale large`: bulk Core inserts, with the ids taken here."""
    # Assured actions, as in the demo's own story: the benchmark compares the measured action page at
    # both sizes, so the action must be of the same kind there (only its measurements grow).
    total = db.session.scalar(select(func.count(Action.id))) or 0
    assured = db.session.scalars(select(Action.id).where(Action.status == ActionStatus.ASSURED)
                                 .order_by(Action.id)).all()
    action_ids = assured[::max(1, round(len(assured) * MEASURED_EVERY / total))] if total else []
    ids = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1 for model in (Measure, Measurement)}
    measures, readings = [], []
    start = today - timedelta(days=41 * 30)
    for action_id in action_ids:
        for name in MEASURE_NAMES:
            measure_id, baseline = ids[Measure], rng.randint(15, 50)
            ids[Measure] += 1
            target = min(100, baseline + rng.randint(20, 45))
            measures.append({"id": measure_id, "action_id": action_id, "recommendation_id": None,
                             "description": name, "unit": "percentage", "direction": "up",
                             "baseline_value": float(baseline), "baseline_date": start,
                             "baseline_source": "Case file audit", "target_value": float(target),
                             "target_date": today + timedelta(days=90), "created_by_id": None,
                             "created_at": _at(start)})
            for n in range(1, 41):
                value = baseline + (target - baseline) * n / 40 + rng.uniform(-6, 6)
                day = start + timedelta(days=30 * n)
                readings.append({"id": ids[Measurement] + len(readings), "measure_id": measure_id,
                                 "measured_date": day, "value": round(min(100.0, max(0.0, value)), 1),
                                 "sample_size": rng.randint(20, 60),
                                 "source": f"Monthly audit, {day:%B %Y}", "evidence_link": "",
                                 "recorded_by_id": None, "recorded_at": _at(day)})
    db.session.execute(insert(Measure), measures)
    for first in range(0, len(readings), 5000):
        db.session.execute(insert(Measurement), readings[first:first + 5000])
