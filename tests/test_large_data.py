"""The large data generator keeps the rules the services keep, and the same seed gives the same data.
(Run here at a small size; `flask demo-data --scale large` makes ten years of it.)"""

from sqlalchemy import func, select

from tracker.actions.models import Action, ActionStatus, ProgressUpdate, StatusChange
from tracker.audit.models import AuditRecord
from tracker.reviews.models import Review
from tracker.demo.large import build_large
from tracker.extensions import db
from tracker.users.models import Agency


def _fingerprint() -> list:
    """The actions by what they say, not by their ids (PostgreSQL does not reuse ids after a delete)."""
    return db.session.execute(select(Action.id, Action.status, Action.due_date, Action.last_proposed_rating,
                                     Agency.name).join(Action.owner_agency).order_by(Action.id)).all()


def test_large_data_is_consistent_and_reproducible(app, today):
    audit_before = db.session.scalar(select(func.count()).select_from(AuditRecord))
    summary = build_large(today, seed=7, reviews=10, target_actions=150)
    db.session.commit()
    assert "reviews" in summary
    # bulk inserts are not audited row by row (the demo part, with its library of 353 published
    # reviews and the themes made from their keywords, is built through the services and audited)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) - audit_before < 2100

    statuses = dict(db.session.execute(select(Action.status, func.count()).group_by(Action.status)).all())
    assert {"open", "in_progress", "submitted", "assured"} <= set(statuses)
    seeds = ("CSPR-2021-01", "SCR-2016-01")  # the demo's own actions are built by the services
    generated = select(Action).join(Action.review).where(Review.reference.notin_(seeds))
    for action in db.session.scalars(generated):
        changes = list(action.status_changes)
        assert changes[0].from_status is None and changes[0].to_status == "draft"
        assert changes[-1].to_status == action.status, action.id
        for earlier, later in zip(changes, changes[1:]):
            assert later.from_status == earlier.to_status and later.changed_at >= earlier.changed_at, action.id
        latest = db.session.execute(select(ProgressUpdate.update_date, ProgressUpdate.proposed_rating)
                                    .where(ProgressUpdate.action_id == action.id)
                                    .order_by(ProgressUpdate.update_date.desc(), ProgressUpdate.id.desc())
                                    .limit(1)).first()
        assert (action.last_update_date, action.last_proposed_rating) == (tuple(latest) if latest else (None, None))
        moves = list(action.due_date_changes)
        assert action.original_due_date == (moves[0].old_date if moves else action.due_date)
        assert action.due_date == (moves[-1].new_date if moves else action.original_due_date)
        if action.status == ActionStatus.ASSURED:
            assert action.assured_at and action.assured_date and any(e.kind == "impact" for e in action.evidence)
            assert action.completed_late == (action.assured_date > action.original_due_date)
        if action.status == ActionStatus.SUBMITTED:
            assert action.submitted_at and action.evidence
        if action.status in (ActionStatus.DRAFT, ActionStatus.OPEN):
            assert not action.updates or action.status != ActionStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(StatusChange)) >= 2 * len(_fingerprint()) - 100


def test_the_same_seed_gives_the_same_data(app, today):
    build_large(today, seed=3, reviews=4, target_actions=40)
    db.session.commit()
    first = _fingerprint()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    build_large(today, seed=3, reviews=4, target_actions=40)
    db.session.commit()
    second = _fingerprint()
    assert [row[1:] for row in first] == [row[1:] for row in second]
