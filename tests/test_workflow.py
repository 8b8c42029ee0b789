"""Every status move, allowed and refused, through the one service that moves statuses."""

from datetime import timedelta

import pytest

from tests.factories import TODAY, make_action, make_evidence, make_user
from tracker.actions import services
from tracker.actions.models import ActionStatus, StatusChange
from tracker.actions.services import ALLOWED_MOVES
from tracker.core.errors import DomainError
from tracker.users.models import Role

S = ActionStatus
ALL_PAIRS = [(a, b) for a in S for b in S if a is not b]


def _action_in(status: ActionStatus):
    lead = make_user(Role.AGENCY_LEAD)
    return make_action(lead=lead, status=status), lead


@pytest.mark.parametrize("src, dst", ALL_PAIRS, ids=[f"{a.value}->{b.value}" for a, b in ALL_PAIRS])
def test_business_unit_moves_follow_the_table(app, src, dst):
    action, lead = _action_in(src)
    staff = make_user(Role.BUSINESS_UNIT)
    if dst is S.ASSURED and src is S.SUBMITTED:
        make_evidence(action, lead, kind="impact")
    allowed = (src, dst) in ALLOWED_MOVES
    if allowed:
        change = services.move_status(action, dst, staff, reason="Because the board asked.", today=TODAY)
        assert action.status == dst.value
        assert isinstance(change, StatusChange) and change.from_status == src.value
    else:
        with pytest.raises(DomainError):
            services.move_status(action, dst, staff, reason="Because.", today=TODAY)
        assert action.status == src.value


# The lead's own measurement below target reopens an assured action (tracker/measures/services.py).
LEAD_MOVES = [(S.OPEN, S.IN_PROGRESS), (S.OPEN, S.SUBMITTED), (S.IN_PROGRESS, S.SUBMITTED),
              (S.ASSURED, S.IN_PROGRESS)]


@pytest.mark.parametrize("src, dst", [pair for pair in ALLOWED_MOVES], ids=[f"{a.value}->{b.value}" for a, b in ALLOWED_MOVES])
def test_agency_lead_may_only_start_and_submit(app, src, dst):
    action, lead = _action_in(src)
    if (src, dst) in LEAD_MOVES:
        services.move_status(action, dst, lead, reason="Below target." if src is S.ASSURED else "", today=TODAY)
        assert action.status == dst.value
    else:
        with pytest.raises(DomainError, match="Only the business unit"):
            services.move_status(action, dst, lead, reason="Please.", today=TODAY)
        assert action.status == src.value


def test_a_lead_of_another_agency_cannot_submit(app):
    action, _ = _action_in(S.IN_PROGRESS)
    stranger = make_user(Role.AGENCY_LEAD)
    with pytest.raises(DomainError, match="owning agency"):
        services.move_status(action, S.SUBMITTED, stranger, today=TODAY)


@pytest.mark.parametrize("dst", [S.WITHDRAWN, S.SUPERSEDED, S.ASSURED])
def test_moves_that_need_a_reason_refuse_without_one(app, dst):
    action, lead = _action_in(S.SUBMITTED)
    make_evidence(action, lead, kind="impact")
    with pytest.raises(DomainError, match="Enter a reason"):
        services.move_status(action, dst, make_user(Role.BUSINESS_UNIT), reason="  ", today=TODAY)
    assert action.status == S.SUBMITTED.value


def test_returning_needs_a_reason_and_keeps_it(app):
    action, lead = _action_in(S.SUBMITTED)
    staff = make_user(Role.BUSINESS_UNIT)
    with pytest.raises(DomainError):
        services.return_action(action, staff, "", TODAY)
    decision = services.return_action(action, staff, "Audit sample too small.", TODAY)
    assert action.status == S.IN_PROGRESS.value
    assert decision.decision == "returned" and decision.reason == "Audit sample too small."
    assert action.status_reason == "Audit sample too small."


def test_nobody_assures_their_own_work(app):
    staff = make_user(Role.BUSINESS_UNIT)
    action = make_action(status=S.IN_PROGRESS, by=staff)
    make_evidence(action, staff, kind="impact")
    services.submit_for_assurance(action, staff, TODAY)
    with pytest.raises(DomainError, match="someone else"):
        services.accept_action(action, staff, "Looks good.", TODAY)
    assert action.status == S.SUBMITTED.value
    services.accept_action(action, make_user(Role.BUSINESS_UNIT), "Looks good.", TODAY)
    assert action.status == S.ASSURED.value


def test_accepting_needs_evidence_of_impact(app):
    lead = make_user(Role.AGENCY_LEAD)
    action = make_action(lead=lead, status=S.IN_PROGRESS)
    make_evidence(action, lead, kind="completion")
    services.submit_for_assurance(action, lead, TODAY)
    with pytest.raises(DomainError, match="no evidence of impact"):
        services.accept_action(action, make_user(Role.BUSINESS_UNIT), "Fine.", TODAY)


def test_submitting_needs_evidence(app):
    action, lead = _action_in(S.IN_PROGRESS)
    with pytest.raises(DomainError, match="Add evidence"):
        services.submit_for_assurance(action, lead, TODAY)


@pytest.mark.parametrize("assured_on, late", [(-1, False), (0, False), (1, True)])
def test_completed_late_is_judged_against_the_original_due_date(app, assured_on, late):
    lead = make_user(Role.AGENCY_LEAD)
    action = make_action(lead=lead, status=S.IN_PROGRESS, due_date=TODAY)
    services.move_due_date(action, TODAY + timedelta(days=30), "Delayed by the new case system.",
                           make_user(Role.BUSINESS_UNIT))
    make_evidence(action, lead, kind="impact")
    services.submit_for_assurance(action, lead, TODAY)
    services.accept_action(action, make_user(Role.BUSINESS_UNIT), "Impact shown.", TODAY + timedelta(days=assured_on))
    assert action.completed_late is late
    assert action.original_due_date == TODAY


def test_moving_the_due_date_keeps_the_original_and_the_reason(app):
    action, _ = _action_in(S.IN_PROGRESS)
    original = action.due_date
    staff = make_user(Role.BUSINESS_UNIT)
    with pytest.raises(DomainError, match="reason"):
        services.move_due_date(action, original + timedelta(days=10), "", staff)
    services.move_due_date(action, original + timedelta(days=10), "Training rescheduled.", staff)
    services.move_due_date(action, original + timedelta(days=40), "Audit moved to the autumn.", staff)
    assert action.original_due_date == original
    assert action.due_date == original + timedelta(days=40)
    assert [(c.old_date, c.new_date, c.reason) for c in action.due_date_changes] == [
        (original, original + timedelta(days=10), "Training rescheduled."),
        (original + timedelta(days=10), original + timedelta(days=40), "Audit moved to the autumn."),
    ]


@pytest.mark.parametrize("rating", ["amber", "red"])
def test_amber_or_red_update_needs_a_narrative(app, rating):
    action, lead = _action_in(S.IN_PROGRESS)
    with pytest.raises(DomainError, match="narrative"):
        services.record_progress(action, by=lead, narrative="  ", proposed_rating=rating, update_date=TODAY,
                                 today=TODAY)
    services.record_progress(action, by=lead, narrative="Staff shortages.", proposed_rating=rating,
                             update_date=TODAY, today=TODAY)
    assert action.last_proposed_rating == rating


def test_updates_are_kept_not_overwritten(app):
    action, lead = _action_in(S.OPEN)
    services.record_progress(action, by=lead, narrative="First.", proposed_rating="green",
                             update_date=TODAY - timedelta(days=9), today=TODAY)
    assert action.status == S.IN_PROGRESS.value  # the first update starts the work
    services.record_progress(action, by=lead, narrative="Second.", proposed_rating="amber",
                             update_date=TODAY, today=TODAY)
    assert [u.narrative for u in action.updates] == ["Second.", "First."]
    assert action.last_update_date == TODAY


def test_an_update_cannot_be_dated_in_the_future(app):
    action, lead = _action_in(S.IN_PROGRESS)
    with pytest.raises(DomainError, match="future"):
        services.record_progress(action, by=lead, narrative="", proposed_rating="green",
                                 update_date=TODAY + timedelta(days=1), today=TODAY)
