"""Bulk changes: the preview says exactly what will change, the confirm applies just that (or
nothing if anything moved since), through the same rules as the one-at-a-time pages."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import TODAY, make_action, make_agency, make_recommendation, make_user
from tracker.actions.models import Action, DueDateChange
from tracker.audit.models import AuditRecord
from tracker.bulk import services as bulk
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.rounds.models import UpdateRequest
from tracker.rounds.services import close_round, open_round
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    staff = make_user(Role.BUSINESS_UNIT, name="Bea Unit")
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    pam = make_user(Role.AGENCY_LEAD, agency=police, name="Pam Police")
    hal = make_user(Role.AGENCY_LEAD, agency=health, name="Hal Health")
    made = {
        "p1": make_action(owner=police, lead=pat, by=staff, description="POLICE one"),
        "p2": make_action(owner=police, lead=pat, status="in_progress", by=staff, description="POLICE two"),
        "h1": make_action(owner=health, lead=hal, by=staff, description="HEALTH one"),
        "sub": make_action(owner=police, lead=pat, status="submitted", by=staff, description="POLICE submitted"),
    }
    db.session.commit()
    return {"police": police, "health": health, "staff": staff, "pat": pat, "pam": pam, "hal": hal, **made}


def ids(world, *keys):
    return [world[k].id for k in keys]


def test_reassign_preview_lists_each_action_and_why_some_stay(world):
    chosen = bulk.load_actions(ids(world, "p1", "p2", "h1", "sub"), world["staff"])
    preview = bulk.preview_reassign(chosen, world["pam"], world["staff"])
    assert {(line.description, line.before, line.after) for line in preview.changing} == {
        ("POLICE one", "Pat Police", "Pam Police"), ("POLICE two", "Pat Police", "Pam Police"),
        ("POLICE submitted", "Pat Police", "Pam Police")}
    assert {line.description: line.refusal for line in preview.left_alone} == {
        "HEALTH one": "Pam Police is not a lead in Black Country Health."}
    # nothing changed yet
    db.session.expire_all()
    assert db.session.get(Action, world["p1"].id).lead_id == world["pat"].id


def test_reassign_confirm_changes_exactly_the_preview_and_audits_each(world):
    chosen = bulk.load_actions(ids(world, "p1", "p2", "h1"), world["staff"])
    preview = bulk.preview_reassign(chosen, world["pam"], world["staff"])
    before = db.session.scalar(select(func.count()).select_from(AuditRecord))
    bulk.apply_reassign(chosen, world["pam"], world["staff"], preview.versions)
    db.session.commit()
    leads = dict(db.session.execute(select(Action.description, Action.lead_id)).all())
    assert leads["POLICE one"] == leads["POLICE two"] == world["pam"].id
    assert leads["HEALTH one"] == world["hal"].id
    audited = db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "Action",
                                                           AuditRecord.event == "update")
                                 .order_by(AuditRecord.id.desc()).limit(2)).all()
    assert {int(r.object_id) for r in audited} == {world["p1"].id, world["p2"].id}
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == before + 2


def test_confirm_refuses_when_an_action_changed_after_the_preview(world):
    chosen = bulk.load_actions(ids(world, "p1", "p2"), world["staff"])
    preview = bulk.preview_reassign(chosen, world["pam"], world["staff"])
    world["p1"].description = "Changed by someone else"
    db.session.commit()
    chosen = bulk.load_actions(ids(world, "p1", "p2"), world["staff"])
    with pytest.raises(DomainError, match="changed after the preview"):
        bulk.apply_reassign(chosen, world["pam"], world["staff"], preview.versions)
    db.session.rollback()
    assert db.session.get(Action, world["p2"].id).lead_id == world["pat"].id


def test_due_dates_move_with_the_reason_and_keep_the_original(world):
    new_date = TODAY + timedelta(days=60)
    chosen = bulk.load_actions(ids(world, "p1", "h1", "sub"), world["staff"])
    preview = bulk.preview_move_due_dates(chosen, new_date, "Waiting for the new procedure", world["staff"])
    assert [line.description for line in preview.left_alone] == ["POLICE submitted"]
    bulk.apply_move_due_dates(chosen, new_date, "Waiting for the new procedure", world["staff"], preview.versions)
    db.session.commit()
    changes = db.session.scalars(select(DueDateChange).order_by(DueDateChange.id)).all()
    assert {(c.action_id, c.new_date, c.reason) for c in changes} == {
        (world["p1"].id, new_date, "Waiting for the new procedure"),
        (world["h1"].id, new_date, "Waiting for the new procedure")}
    assert world["p1"].original_due_date != new_date == world["p1"].due_date


@pytest.mark.parametrize("new_date, reason, message", [
    (None, "why", "Enter the new due date."), (TODAY + timedelta(days=5), "  ", "Enter the reason")])
def test_due_date_move_needs_a_date_and_a_reason(world, new_date, reason, message):
    chosen = bulk.load_actions(ids(world, "p1"), world["staff"])
    with pytest.raises(DomainError, match=message):
        bulk.preview_move_due_dates(chosen, new_date, reason, world["staff"])


def test_add_to_round_skips_those_already_asked_and_closed_work(world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=10), by=world["staff"], today=TODAY)
    extra = make_action(owner=world["health"], lead=world["hal"], by=world["staff"], description="HEALTH later")
    db.session.commit()
    chosen = bulk.load_actions([world["p1"].id, extra.id, world["sub"].id], world["staff"])
    preview = bulk.preview_add_to_round(chosen, round_, world["staff"])
    assert [line.description for line in preview.changing] == ["HEALTH later"]
    assert {line.description for line in preview.left_alone} == {"POLICE one", "POLICE submitted"}
    bulk.apply_add_to_round(chosen, round_, world["staff"], preview.versions)
    db.session.commit()
    request = db.session.scalar(select(UpdateRequest).where(UpdateRequest.action_id == extra.id))
    assert (request.round_id, request.lead_id, request.agency_id) == (round_.id, world["hal"].id, world["health"].id)
    close_round(round_, by=world["staff"], today=TODAY)
    with pytest.raises(DomainError, match="closed"):
        bulk.preview_add_to_round(chosen, round_, world["staff"])


def test_an_agency_lead_cannot_load_another_agencys_actions(world):
    chosen = bulk.load_actions(ids(world, "p1", "h1"), world["hal"])
    assert [a.description for a in chosen] == ["HEALTH one"]


def test_selection_is_bounded(world):
    with pytest.raises(DomainError, match="Select at least one"):
        bulk.load_actions([], world["staff"])
    with pytest.raises(DomainError, match="or fewer"):
        bulk.load_actions(range(1, bulk.MAX_ACTIONS + 2), world["staff"])


def test_hand_over_gives_the_successor_every_live_action_and_request(world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=10), by=world["staff"], today=TODAY)
    db.session.commit()
    held = bulk.holdings(world["pat"])
    assert {a.description for a in held.actions} == {"POLICE one", "POLICE two", "POLICE submitted"}
    assert len(held.update_requests) == 2
    with pytest.raises(DomainError, match="not a lead in the agency"):
        bulk.check_successor(held, world["hal"])
    bulk.hand_over(world["pat"], world["pam"], held.fingerprint)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Action).where(Action.lead_id == world["pat"].id)) == 0
    assert {r.lead_id for r in db.session.scalars(select(UpdateRequest).where(
        UpdateRequest.round_id == round_.id, UpdateRequest.agency_id == world["police"].id))} == {world["pam"].id}
    # the business unit member who opened the round hands it on too, only to the business unit
    staff_held = bulk.holdings(world["staff"])
    assert [r.name for r in staff_held.rounds] == ["Q3"]
    with pytest.raises(DomainError, match="not in the business unit"):
        bulk.check_successor(staff_held, world["pam"])


def test_hand_over_refuses_a_stale_preview(world):
    held = bulk.holdings(world["pat"])
    make_action(owner=world["police"], lead=world["pat"], by=world["staff"], description="POLICE new")
    db.session.commit()
    with pytest.raises(DomainError, match="changed after the preview"):
        bulk.hand_over(world["pat"], world["pam"], held.fingerprint)


def test_one_action_per_agency_from_a_recommendation(world):
    rec = make_recommendation(addressees=[world["police"], world["health"]])
    rows = [bulk.AgencyRow(world["police"], world["pam"], TODAY + timedelta(days=30)),
            bulk.AgencyRow(world["health"], None, TODAY + timedelta(days=90))]
    made = bulk.create_for_agencies(rec, rows, description="Train staff", success_measure="Audit",
                                    by=world["staff"], today=TODAY)
    db.session.commit()
    assert {(a.owner_agency_id, a.lead_id, a.due_date, a.status.value) for a in made} == {
        (world["police"].id, world["pam"].id, TODAY + timedelta(days=30), "open"),
        (world["health"].id, None, TODAY + timedelta(days=90), "open")}
    with pytest.raises(DomainError, match="Hal Health is not a lead in Dudley Police"):
        bulk.create_for_agencies(rec, [bulk.AgencyRow(world["police"], world["hal"], TODAY)], description="x",
                                 success_measure="", by=world["staff"], today=TODAY)
    with pytest.raises(DomainError, match="Enter the due date for Dudley Police"):
        bulk.check_agency_rows([bulk.AgencyRow(world["police"], None, None)], "x", TODAY)
