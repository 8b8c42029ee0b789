from datetime import date

from sqlalchemy import func, select

from tracker.actions.models import Action, ActionStatus
from tracker.actions.ratings import rate
from tracker.closure.models import ClosureDecision
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.settings import Settings
from tracker.users.models import Agency, Role, User


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_user_reads_the_password_from_the_environment(app):
    db.session.add(Agency(name="West Midlands Police", short_name="WMP", kind="agency", aliases=[]))
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "Lead@Example.org", "--name", "Chris Hall", "--role", "agency_lead",
              "--agency", "wmp"], env={"TRACKER_PASSWORD": "a-long-enough-password"})
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    assert user.role == Role.AGENCY_LEAD and user.agency.short_name == "WMP"
    assert user.check_password("a-long-enough-password")


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "bu@example.org", "--name", "Priya", "--role", "business_unit"],
        input="a-long-enough-password\na-long-enough-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "bu@example.org")).role == "business_unit"


def test_create_user_refusals(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-admin", "--email", "a@example.org"], env={"TRACKER_PASSWORD": "short"})
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    no_agency = runner.invoke(args=["create-user", "--email", "l@example.org", "--name", "L", "--role",
                                    "agency_lead"], env={"TRACKER_PASSWORD": "a-long-enough-password"})
    assert no_agency.exit_code != 0 and "agency" in no_agency.output
    unknown = runner.invoke(args=["create-user", "--email", "l@example.org", "--name", "L", "--role",
                                  "agency_lead", "--agency", "Nowhere"],
                            env={"TRACKER_PASSWORD": "a-long-enough-password"})
    assert unknown.exit_code != 0 and "No agency" in unknown.output
    assert _count(User) == 0


def test_create_admin(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "admin@example.org"],
                                          env={"TRACKER_PASSWORD": "a-long-enough-password"})
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "admin@example.org")) == "admin"


def test_demo_data_loads_the_seed_reviews_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "police.lead@example.org" in result.output
    reviews = {r.reference: r for r in db.session.scalars(select(Review))}
    child_y = reviews["CSPR-2021-01"]
    assert len(child_y.learning_points) == 5 and len(child_y.recommendations) == 4
    scr = reviews["SCR-2016-01"]
    board = [r for r in scr.recommendations if r.kind == "partnership"]
    assert len(board) == 9
    single = db.session.execute(
        select(Agency.short_name, func.count()).select_from(Recommendation)
        .join(Recommendation.addressees).where(Recommendation.kind == "single_agency")
        .group_by(Agency.short_name)).all()
    assert dict(single) == {"BCPFT": 12, "DCCG": 3, "CSC": 9, "DGFT": 4, "WMP": 1, "HCC": 4, "NPS": 3, "CRC": 5}
    # Every rating and every status appears.
    actions = db.session.scalars(select(Action)).all()
    assert {a.status for a in actions} == {s.value for s in ActionStatus}
    ratings = {rate(a, date(2026, 11, 25), Settings()).value for a in actions}
    assert ratings == {"red", "amber", "green", "blue", "none"}
    assert any(a.completed_late for a in actions)
    assert {u.role for u in db.session.scalars(select(User))} == {r.value for r in Role}
    # The impact loop, whole: the board closed Child Y (each recommendation, then the review, with the
    # meeting and minute), and an action reopened after a not-sustained impact review.
    assert child_y.closed_date == date(2026, 11, 4) and all(r.closed_date for r in child_y.recommendations)
    decisions = db.session.scalars(select(ClosureDecision).where(ClosureDecision.review_id == child_y.id)).all()
    assert len(decisions) == 5 and all(d.meeting == "Safeguarding Partnership Board" and
                                       d.minute_reference.startswith("SPB/2026/41") for d in decisions)
    assert scr.closed_date is None and any(a.is_reopened for a in actions)
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert "already has data" in again.output
    assert _count(Review) == 2


def test_demo_history_is_in_order(app):
    """Each action's status history reads forwards in time: opened before work started, and so on."""
    assert app.test_cli_runner().invoke(args=["demo-data", "--today", "2026-11-25"]).exit_code == 0
    for action in db.session.scalars(select(Action)):
        times = [c.changed_at for c in action.status_changes]
        assert times == sorted(times), f"action {action.id}: {[c.to_status for c in action.status_changes]}"
        if action.updates and action.opened_date:
            assert min(u.update_date for u in action.updates) >= action.opened_date, f"action {action.id}"
