"""Every service that writes leaves an audit record naming who did it, what and the new values."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY, make_action, make_agency, make_evidence, make_review, make_user
from tracker.actions import services as actions
from tracker.audit.models import AuditRecord
from tracker.evidence.services import add_evidence
from tracker.extensions import db
from tracker.recommendations import services as recommendations
from tracker.reviews import services as reviews
from tracker.settings import save_settings
from tracker.users import services as users
from tracker.users.models import Role


def _new_action():
    lead = make_user(Role.AGENCY_LEAD)
    return make_action(lead=lead, status="in_progress"), lead


def _submitted():
    action, lead = _new_action()
    make_evidence(action, lead, kind="impact")
    actions.submit_for_assurance(action, lead, TODAY)
    return action


def _requested():
    action, lead = _new_action()
    return actions.request_due_date(action, TODAY + timedelta(days=60), "Sick leave.", lead, TODAY)


CASES = {
    "create_action": (lambda s: actions.create_action(
        _new_action()[0].recommendation, description="Audit files.", owner=make_agency(),
        lead=None, due_date=TODAY, success_measure="", by=s, today=TODAY), "Action", "create", "description"),
    "edit_action": (lambda s: actions.edit_action(
        (a := _new_action()[0]), description="Changed.", owner=a.owner_agency, lead=a.lead, success_measure="x"),
        "Action", "update", "description"),
    "move_due_date": (lambda s: actions.move_due_date(_new_action()[0], TODAY + timedelta(days=99), "Later.", s),
                      "DueDateChange", "create", "reason"),
    "record_progress": (lambda s: actions.record_progress(
        (p := _new_action())[0], by=p[1], narrative="Late.", proposed_rating="amber", update_date=TODAY, today=TODAY),
        "ProgressUpdate", "create", "narrative"),
    "submit_for_assurance": (lambda s: _submitted(), "StatusChange", "create", "to_status"),
    "accept_action": (lambda s: actions.accept_action(_submitted(), s, "Impact shown.", TODAY),
                      "AssuranceDecision", "create", "decision"),
    "return_action": (lambda s: actions.return_action(_submitted(), s, "More audit.", TODAY),
                      "AssuranceDecision", "create", "reason"),
    "close_action": (lambda s: actions.close_action(_new_action()[0], actions.S.WITHDRAWN, s, "Gone.", TODAY),
                     "StatusChange", "create", "reason"),
    "add_evidence": (lambda s: add_evidence(
        (p := _new_action())[0], by=p[1], kind="completion", title="Register", description="", today=TODAY,
        effective_date=TODAY, upload=FileStorage(io.BytesIO(b"names\n"), filename="r.txt"), max_bytes=1000),
        "Evidence", "create", "sha256"),
    "create_review": (lambda s: reviews.create_review(reviews.ReviewDetails(
        reference="LCSPR-9", title="Child Q", review_type="cspr", status="notified")), "Review", "create", "title"),
    "add_learning_point": (lambda s: reviews.add_learning_point(
        make_review(), number=1, text="Think family.", shared_how=None, shared_date=None, today=TODAY),
        "LearningPoint", "create", "text"),
    "create_recommendation": (lambda s: recommendations.create_recommendation(
        make_review(), number="1", text="Do it.", kind="partnership", addressees=[make_agency()], themes=[]),
        "Recommendation", "create", "text"),
    "record_formal_response": (lambda s: recommendations.record_formal_response(
        (a := _new_action()[0]).recommendation, a.owner_agency, response="accepted", reasons="", response_date=TODAY,
        by=s, today=TODAY), "RecommendationResponse", "create", "response"),
    "request_due_date": (lambda s: actions.request_due_date(
        (p := _new_action())[0], TODAY + timedelta(days=60), "Sick leave.", p[1], TODAY),
        "DueDateRequest", "create", "requested_date"),
    "approve_due_date_request": (lambda s: actions.approve_due_date_request(_requested(), s),
                                 "DueDateRequest", "update", "status"),
    "decline_due_date_request": (lambda s: actions.decline_due_date_request(_requested(), s, "Not now."),
                                 "DueDateRequest", "update", "decision_note"),
    "record_impact_review": (lambda s: actions.record_impact_review(
        make_action(status="assured"), outcome="partly", note="60% of files.", next_review_date=None, by=s,
        today=TODAY), "ImpactReview", "create", "outcome"),
    "create_user": (lambda s: users.create_user(email="new@example.org", name="New", role="board_member",
                                                agency=None, password="a-much-longer-passphrase-2026"),
                    "User", "create", "email"),
    "reset_password": (lambda s: users.reset_password(make_user(Role.BOARD_MEMBER), "a-much-longer-passphrase-2026"),
                       "User", "update", "session_version"),
    "save_agency": (lambda s: users.save_agency(None, name="Probation", short_name="PS", kind="agency", aliases=[]),
                    "Agency", "create", "name"),
    "save_settings": (lambda s: save_settings(at_risk_days=40), "Setting", "create", "value"),
}


@pytest.mark.parametrize("verb", sorted(CASES))
def test_service_writes_are_audited_with_who_and_what(app, verb):
    run, object_type, event, field = CASES[verb]
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        from flask_login import login_user

        staff = make_user(Role.BUSINESS_UNIT)
        db.session.commit()
        login_user(staff)
        before = db.session.scalar(select(db.func.max(AuditRecord.id))) or 0
        run(staff)
        db.session.commit()
        records = db.session.scalars(select(AuditRecord).where(
            AuditRecord.id > before, AuditRecord.object_type == object_type, AuditRecord.event == event)).all()
    assert records, f"{verb} left no {event} record for {object_type}"
    assert any(field in r.changes for r in records), f"{verb}: {field} not in the recorded values"
    assert all(r.actor_id == staff.id and r.remote_addr == "10.1.2.3" for r in records)
