"""Measures and ratings: Blue needs each measure's latest value to meet its target (or the assurer's
reason why not); a measurement below target or an impact review finding the change not sustained
reopens the action, with a new due date and the reason, shown as reopened in its lists, told by
email, and told again by the as-at history."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.smtp_server import SMTPServer
from tracker.actions import services as actions
from tracker.actions.models import Action, AssuranceDecision, StatusChange
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.measures import services
from tracker.reports.data.history import ActionFacts, DueMove, StatusMove, action_state_at
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025, a Monday


def fields(**changes) -> services.MeasureFields:
    values = dict(description="Files with a genogram", unit="percentage", direction="up", baseline_value=20.0,
                  baseline_date=date(2025, 1, 6), baseline_source="January audit", target_value=80.0,
                  target_date=date(2025, 12, 31))
    values.update(changes)
    return services.MeasureFields(**values)


def measure(measure, value: float, on: date, by) -> None:
    services.record_measurement(measure, services.MeasurementFields(on, value, 40, "Case file audit"), by=by,
                                today=TODAY)


@pytest.fixture
def world(app):
    police = factories.make_agency("Police Force", "POL")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police", email="lead@police.example.org")
    staff = factories.make_user(Role.BUSINESS_UNIT, name="Bea Unit", email="bu@example.org")
    db.session.commit()
    return {"police": police, "lead": lead, "staff": staff}


def submitted(world) -> Action:
    action = factories.make_action(owner=world["police"], lead=world["lead"], status="submitted",
                                   description="Use genograms in every assessment.")
    db.session.commit()
    return action


def assured(world) -> Action:
    action = factories.make_action(owner=world["police"], lead=world["lead"], status="assured", by=world["staff"],
                                   description="Use genograms in every assessment.")
    db.session.commit()
    return action


# --- Blue ---


def test_blue_needs_the_latest_measurement_to_meet_the_target_or_a_reason(world):
    action = submitted(world)
    genograms = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    assessor = factories.make_user(Role.BUSINESS_UNIT)
    with pytest.raises(DomainError, match=r"Files with a genogram: not measured yet \(target 80%\)") as refused:
        actions.accept_action(action, assessor, "Good evidence.", TODAY)
    assert refused.value.field == "justification"
    measure(genograms, 85.0, date(2025, 3, 1), world["lead"])
    measure(genograms, 70.0, date(2025, 5, 1), world["lead"])  # the latest counts, not the best
    with pytest.raises(DomainError, match=r"70% on 1 May 2025, target 80%"):
        actions.accept_action(action, assessor, "Good evidence.", TODAY)
    assert action.status == "submitted"
    decision = actions.accept_action(action, assessor, "Good evidence.", TODAY,
                                     justification="The May audit sampled new starters only.")
    assert action.status == "assured" and decision.justification == "The May audit sampled new starters only."


def test_blue_as_before_when_every_target_is_met_or_there_are_no_measures(world):
    plain = submitted(world)
    assert actions.accept_action(plain, world["staff"], "Impact shown.", TODAY).justification == ""
    action = submitted(world)
    genograms = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    measure(genograms, 82.0, date(2025, 5, 1), world["lead"])
    decision = actions.accept_action(action, world["staff"], "Impact shown.", TODAY, justification="Not needed")
    assert action.status == "assured" and decision.justification == ""  # nothing to justify


def test_the_decision_page_shows_the_measures_and_asks_why(client, login_as, world):
    action = submitted(world)
    genograms = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    measure(genograms, 60.0, date(2025, 5, 1), world["lead"])
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/{action.id}/decide").get_data(as_text=True)
    assert "Not met" in page and "Files with a genogram: 60% on 1 May 2025, target 80%" in page
    assert "Why Blue is justified although a target is not met" in page
    response = client.post(f"/actions/{action.id}/decide", data={"decision": "accept", "reason": "Done."})
    assert response.status_code == 422
    assert "Explain why Blue is justified anyway, or return the action." in response.get_data(as_text=True)
    assert 'Done.</textarea>' in response.get_data(as_text=True)  # nothing lost
    response = client.post(f"/actions/{action.id}/decide", data={
        "decision": "accept", "reason": "Done.", "justification": "Audit sample was too small."})
    assert response.status_code == 302
    assert db.session.scalar(select(AssuranceDecision.justification)) == "Audit sample was too small."


# --- reopening ---


def test_a_measurement_below_target_reopens_an_assured_action(client, login_as, world):
    action = assured(world)
    genograms = services.add_measure(action, fields(), by=world["lead"], today=TODAY)
    measure(genograms, 85.0, date(2025, 5, 20), world["lead"])
    measure(genograms, 10.0, date(2025, 2, 1), world["lead"])  # backfilled: not the latest, reopens nothing
    assert action.status == "assured"
    db.session.commit()

    login_as(Role.AGENCY_LEAD, user=world["lead"])
    response = client.post(f"/measures/{genograms.id}/measurements/new", data={
        "measured_date": ["1", "6", "2025"], "value": "55", "sample_size": "40", "source": "June audit"})
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.status, action.reopened_date, action.due_date) == ("in_progress", TODAY, date(2025, 9, 2))
    assert action.assured_date is None and action.impact_review_date is None
    move = db.session.scalars(select(StatusChange).where(StatusChange.action_id == action.id)
                              .order_by(StatusChange.id.desc())).first()
    assert (move.from_status, move.to_status) == ("assured", "in_progress")
    assert move.reason == "Files with a genogram: 55% on 1 June 2025, below the target of 80%"
    assert action.due_date_changes[-1].reason.startswith("Reopened: Files with a genogram: 55%")
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "In progress (reopened)" in page and "Below target" in page
    listing = client.get("/actions/").get_data(as_text=True)
    assert "In progress (reopened)" in listing
    rec_page = client.get(f"/recommendations/{action.recommendation_id}").get_data(as_text=True)
    assert "In progress (reopened)" in rec_page


def test_reassurance_clears_reopened(world):
    action = assured(world)
    actions.reopen_action(action, world["staff"], "Audit fell back.", TODAY)
    assert action.status_label == "In progress (reopened)"
    factories.make_evidence(action, world["lead"], kind="impact")
    actions.submit_for_assurance(action, world["lead"], TODAY)
    assert action.status_label == "Submitted for assurance (reopened)"
    actions.accept_action(action, world["staff"], "Fixed again.", TODAY)
    assert action.status_label == "Assured" and action.reopened_date is None


def test_a_shared_measure_below_target_reopens_every_assured_action_of_the_recommendation(world):
    first = assured(world)
    second = factories.make_action(owner=world["police"], recommendation=first.recommendation, status="assured")
    live = factories.make_action(owner=world["police"], recommendation=first.recommendation, status="in_progress")
    shared = services.add_measure(first.recommendation, fields(), by=world["staff"], today=TODAY)
    measure(shared, 40.0, date(2025, 5, 1), world["staff"])
    assert (first.status, second.status, live.status) == ("in_progress", "in_progress", "in_progress")
    assert first.reopened_date == second.reopened_date == TODAY and live.reopened_date is None


def test_an_impact_review_not_sustained_reopens_with_the_new_due_date(client, login_as, world):
    action = assured(world)
    login_as(Role.BUSINESS_UNIT)
    url = f"/actions/{action.id}/impact-review"
    response = client.post(url, data={"outcome": "not_sustained", "note": "Genograms back to 20%.",
                                      "new_due_date": ["1", "6", "2025"]})
    assert response.status_code == 422 and "The new due date must be after today." in response.get_data(as_text=True)
    assert db.session.get(Action, action.id).status == "assured"  # nothing half-done
    response = client.post(url, data={"outcome": "not_sustained", "note": "Genograms back to 20%.",
                                      "new_due_date": ["1", "10", "2025"]})
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.status, action.due_date, action.reopened_date) == ("in_progress", date(2025, 10, 1), TODAY)
    assert action.status_changes[-1].reason == "Impact review: the change has not lasted. Genograms back to 20%."
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "In progress (reopened)" in page and "Not sustained" not in page.split('id="impact-review"')[0][-50:]


def test_the_as_at_history_tells_the_reopening_again():
    facts = ActionFacts(id=1, original_due_date=date(2025, 3, 1), due_date=date(2025, 9, 2), status="in_progress",
                        opened_date=date(2025, 1, 2), created_at=datetime(2025, 1, 2, 9, tzinfo=UTC))

    def at(day: int, month: int) -> datetime:
        return datetime(2025, month, day, 10, tzinfo=UTC)

    moves = [StatusMove(1, None, "draft", "", at(2, 1)), StatusMove(1, "draft", "open", "", at(2, 1)),
             StatusMove(1, "open", "submitted", "", at(20, 2)), StatusMove(1, "submitted", "assured", "Done.", at(25, 2)),
             StatusMove(1, "assured", "in_progress", "Below target.", at(2, 6))]
    due = [DueMove(1, date(2025, 3, 1), date(2025, 9, 2), "Reopened: Below target.", at(2, 6))]
    before = action_state_at(facts, moves, due, [], date(2025, 5, 31))
    assert (before.status, before.due_date, before.reopened_date) == ("assured", date(2025, 3, 1), None)
    after = action_state_at(facts, moves, due, [], date(2025, 6, 2))
    assert (after.status, after.due_date, after.reopened_date) == ("in_progress", date(2025, 9, 2), date(2025, 6, 2))
    again = moves + [StatusMove(1, "in_progress", "submitted", "", at(1, 7)),
                     StatusMove(1, "submitted", "assured", "Fixed.", at(5, 7))]
    assert action_state_at(facts, again, due, [], date(2025, 7, 6)).reopened_date is None


def test_the_lead_and_the_business_unit_are_told_once_by_email(app, tmp_path, world):
    action = assured(world)
    actions.reopen_action(action, world["staff"], "Impact review: the change has not lasted.", TODAY)
    db.session.commit()
    with SMTPServer(tmp_path) as smtp:
        app.config.update(smtp.config())
        result = app.test_cli_runner().invoke(args=["send-reminders", "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        for address in ("lead@police.example.org", "bu@example.org"):
            [message] = [m for m in smtp.inbox.to(address) if m["Subject"].startswith("Follow Through:")]
            text = message.get_body(preferencelist=("plain",)).get_content()
            assert "REOPENED ACTIONS (1)" in text and "Use genograms in every assessment." in text
            assert "Impact review: the change has not lasted. New due date 2 September 2025." in text
            assert "reopened" in message["Subject"]
        tomorrow = (TODAY + timedelta(days=1)).isoformat()
        app.test_cli_runner().invoke(args=["send-reminders", "--today", tomorrow])
        later = [m for m in smtp.inbox.to("bu@example.org")
                 if "REOPENED" in m.get_body(preferencelist=("plain",)).get_content()]
        assert len(later) == 1  # told once


def test_a_reopening_is_emailed_at_once_after_the_commit_and_never_for_a_rollback(app, tmp_path, world):
    action = assured(world)
    first = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    db.session.commit()
    with SMTPServer(tmp_path) as smtp:
        app.config.update(smtp.config())
        measure(first, 35.0, date(2025, 5, 30), world["staff"])
        assert smtp.inbox.to("lead@police.example.org") == []  # not before the commit
        db.session.rollback()  # the reopening did not happen: nobody is told
        db.session.commit()
        assert smtp.inbox.to("lead@police.example.org") == [] and smtp.inbox.to("bu@example.org") == []

        action = db.session.get(Action, action.id)
        measure(db.session.get(type(first), first.id), 35.0, date(2025, 5, 30), world["staff"])
        db.session.commit()  # no digest run: the email goes at once
        for address in ("lead@police.example.org", "bu@example.org"):
            [message] = smtp.inbox.to(address)
            assert message["Subject"] == f"Action reopened: {action.short_reference}"
            text = " ".join(message.get_body(preferencelist=("plain",)).get_content().split())
            assert "Use genograms in every assessment." in text
            assert "Why: Files with a genogram: 35% on 30 May 2025, below the target of 80%" in text
            assert "New due date: 2 September 2025" in text and f"/actions/{action.id}" in text
