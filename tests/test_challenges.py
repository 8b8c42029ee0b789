"""Scrutiny challenges: the thread from raising to closing, who may do what (404 for another agency's
lead), where open challenges show, the list and its filters, the audit trail, the database rules and
the board report."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.challenges.models import Challenge, ChallengeMessage
from tracker.challenges.services import raise_challenge
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.reports.data import build_report_data, resolve_scope
from tracker.settings import load_settings
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police = factories.make_agency("Police Force", "POL")
    health = factories.make_agency("Health Trust", "NHS")
    review = factories.make_review(reference="CSPR-9", title="Child Z")
    rec = factories.make_recommendation(review, number="3", addressees=[police, health])
    action = factories.make_action(owner=police, recommendation=rec, description="Audit MASH referrals.")
    scrutineer = factories.make_user(Role.SCRUTINEER, name="Sam Scrutineer")
    db.session.commit()
    return {"police": police, "health": health, "review": review, "rec": rec, "action": action,
            "scrutineer": scrutineer}


def html(response) -> str:
    return response.get_data(as_text=True)


def test_a_challenge_thread_from_raising_to_closing(app, client, login_as, world):
    login_as(Role.SCRUTINEER, user=world["scrutineer"])
    page = html(client.get(f"/challenges/new?action={world['action'].id}"))
    assert "Audit MASH referrals." in page
    assert f'<option value="{world["police"].id}" selected>' in page  # the owner is proposed
    response = client.post(f"/challenges/new?action={world['action'].id}",
                           data={"agency_id": world["police"].id, "text": "Show the audit of referrals."})
    assert response.status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge.status == "open" and challenge.action_id == world["action"].id
    assert challenge.raised_by_id == world["scrutineer"].id and challenge.closed_at is None

    lead_client = app.test_client()
    lead = login_as(Role.AGENCY_LEAD, agency=world["police"], client=lead_client)
    home = html(lead_client.get("/"))
    assert "Challenges waiting for your agency's answer (1)" in home
    assert f"/challenges/{challenge.id}" in home
    page = html(lead_client.get(f"/challenges/{challenge.id}"))
    assert "Show the audit of referrals." in page and "Your answer" in page and "Close the challenge" not in page
    assert lead_client.post(f"/challenges/{challenge.id}/messages",
                            data={"text": "Audit attached to the action."}).status_code == 302
    db.session.refresh(challenge)
    assert challenge.status == "answered"
    assert "No challenge is waiting" in html(lead_client.get("/"))
    assert lead_client.post(f"/challenges/{challenge.id}/close", data={}).status_code == 403

    assert client.post(f"/challenges/{challenge.id}/messages",
                       data={"text": "It covers one month only: show three."}).status_code == 302
    db.session.refresh(challenge)
    assert challenge.status == "open"
    assert client.post(f"/challenges/{challenge.id}/close",
                       data={"close-note": "Three months shown. Satisfied."}).status_code == 302
    db.session.refresh(challenge)
    assert challenge.status == "closed" and challenge.closed_at is not None
    assert challenge.closed_by_id == world["scrutineer"].id
    assert [m.text for m in challenge.messages] == [
        "Show the audit of referrals.", "Audit attached to the action.", "It covers one month only: show three.",
        "Three months shown. Satisfied."]
    assert [m.author_id for m in challenge.messages] == [world["scrutineer"].id, lead.id, world["scrutineer"].id,
                                                         world["scrutineer"].id]
    # Closed: nobody adds to it any more, and the page offers no form.
    assert lead_client.post(f"/challenges/{challenge.id}/messages", data={"text": "More"}).status_code == 403
    assert client.post(f"/challenges/{challenge.id}/close", data={}).status_code == 403
    assert "Your answer" not in html(lead_client.get(f"/challenges/{challenge.id}"))


def test_every_step_is_in_the_audit_trail(app, world):
    challenge = raise_challenge(world["review"], agency=world["health"], by=world["scrutineer"], text="Why late?")
    db.session.commit()
    kinds = db.session.execute(select(AuditRecord.object_type, AuditRecord.event)
                               .where(AuditRecord.object_type.in_(["Challenge", "ChallengeMessage"]))).all()
    assert ("Challenge", "create") in kinds and ("ChallengeMessage", "create") in kinds
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "Challenge"))
    assert record.object_id == challenge.id and record.changes["agency_id"] == [None, world["health"].id]


def test_another_agencys_lead_is_told_nothing(app, client, login_as, world):
    challenge = raise_challenge(world["action"], agency=world["police"], by=world["scrutineer"],
                                text="SECRET police challenge")
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=world["health"])
    for method, url in (("GET", f"/challenges/{challenge.id}"), ("POST", f"/challenges/{challenge.id}/messages"),
                        ("POST", f"/challenges/{challenge.id}/close")):
        response = client.open(url, method=method, data={"text": "x"})
        assert response.status_code == 404 and "SECRET" not in html(response)
    assert "SECRET" not in html(client.get("/challenges/?status=all"))
    assert "SECRET" not in html(client.get(f"/challenges/?status=all&agency={world['police'].id}"))
    assert client.get(f"/challenges/new?review={world['review'].id}").status_code == 403


def test_board_members_read_but_never_write(app, client, login_as, world):
    challenge = raise_challenge(world["rec"], agency=world["health"], by=world["scrutineer"], text="Evidence?")
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    page = html(client.get(f"/challenges/{challenge.id}"))
    assert "Evidence?" in page and 'action="/challenges/' not in page
    assert client.post(f"/challenges/{challenge.id}/messages", data={"text": "x"}).status_code == 403
    assert client.post(f"/challenges/{challenge.id}/close", data={}).status_code == 403
    assert client.get(f"/challenges/new?review={world['review'].id}").status_code == 403
    assert len(db.session.scalars(select(ChallengeMessage)).all()) == 1


def test_the_business_unit_raises_and_closes_too(app, client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    assert client.post(f"/challenges/new?review={world['review'].id}",
                       data={"agency_id": world["health"].id, "text": "Publish the plan."}).status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge.review_id == world["review"].id and challenge.agency_id == world["health"].id
    assert client.post(f"/challenges/{challenge.id}/close", data={}).status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"agency_id": "", "text": "Why?"}, "Select the agency that must answer"),
    ({"agency_id": "x", "text": "Why?"}, "Select the agency that must answer"),
    ({"text": "   "}, "Enter the challenge"),
    ({"text": "y" * 5001}, "The challenge must be 5,000 characters or fewer"),
])
def test_raising_with_bad_input_explains_and_keeps_what_was_typed(app, client, login_as, world, data, message):
    login_as(Role.SCRUTINEER)
    data = {"agency_id": world["police"].id} | data
    response = client.post(f"/challenges/new?recommendation={world['rec'].id}", data=data)
    assert response.status_code == 422
    page = html(response)
    assert "There is a problem" in page and message in page
    if data["text"].strip() and len(data["text"]) < 100:
        assert data["text"] in page
    assert db.session.scalar(select(Challenge)) is None


def test_a_challenge_on_an_action_goes_to_its_owner(app, client, login_as, world):
    login_as(Role.SCRUTINEER)
    response = client.post(f"/challenges/new?action={world['action'].id}",
                           data={"agency_id": world["health"].id, "text": "Why?"})
    assert response.status_code == 422
    assert "A challenge on an action goes to the agency that owns it (Police Force)" in html(response)


@pytest.mark.parametrize("query", ["", "?review=abc", "?review=99999", "?review=1&action=1", "?theme=1"])
def test_raising_needs_exactly_one_real_subject(app, client, login_as, world, query):
    login_as(Role.SCRUTINEER)
    assert client.get(f"/challenges/new{query}").status_code == 404


def test_empty_reply_is_refused_clearly(app, client, login_as, world):
    challenge = raise_challenge(world["action"], agency=world["police"], by=world["scrutineer"], text="Why?")
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=world["police"])
    response = client.post(f"/challenges/{challenge.id}/messages", data={"text": ""})
    assert response.status_code == 422 and "Enter your message" in html(response)


def test_database_keeps_exactly_one_subject(app, world):
    both = Challenge(review_id=world["review"].id, recommendation_id=world["rec"].id, agency_id=world["police"].id,
                     status="open")
    db.session.add(both)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Challenge(agency_id=world["police"].id, status="open"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Challenge(review_id=world["review"].id, agency_id=world["police"].id, status="closed"))
    with pytest.raises(IntegrityError):  # closed needs its closing time
        db.session.flush()
    db.session.rollback()


def test_open_challenges_show_on_the_subjects_pages(app, client, login_as, world):
    on_review = raise_challenge(world["review"], agency=world["health"], by=world["scrutineer"], text="A")
    on_rec = raise_challenge(world["rec"], agency=world["police"], by=world["scrutineer"], text="B")
    on_action = raise_challenge(world["action"], agency=world["police"], by=world["scrutineer"], text="C")
    closed = raise_challenge(world["review"], agency=world["police"], by=world["scrutineer"], text="D")
    db.session.flush()
    from tracker.challenges.services import close_challenge

    close_challenge(closed, by=world["scrutineer"])
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    review_page = html(client.get(f"/reviews/{world['review'].id}"))
    assert f"Challenge {on_review.id} to Health Trust" in review_page
    assert f"Challenge {closed.id} " not in review_page
    assert f"Challenge {on_rec.id} to Police Force" in html(client.get(f"/recommendations/{world['rec'].id}"))
    assert f"Challenge {on_action.id} to Police Force" in html(client.get(f"/actions/{world['action'].id}"))
    assert "Raise a challenge" not in review_page  # board members read only


def test_list_filters_by_status_and_agency_and_pages(app, client, login_as, world):
    app.config["PAGE_SIZE"] = 5
    for n in range(7):
        raise_challenge(world["review"], agency=world["police"], by=world["scrutineer"], text=f"P{n}")
    closed = raise_challenge(world["review"], agency=world["health"], by=world["scrutineer"], text="H")
    db.session.flush()
    from tracker.challenges.services import close_challenge

    close_challenge(closed, by=world["scrutineer"])
    db.session.commit()
    login_as(Role.SCRUTINEER)
    first = html(client.get("/challenges/"))
    assert len(re.findall(r'href="/challenges/\d+"', first)) == 5
    assert f"Challenge {closed.id}<" not in first
    assert "page=2" in first
    closed_list = html(client.get("/challenges/?status=closed"))
    assert f"Challenge {closed.id}<" in closed_list and "Police Force</td>" not in closed_list
    health = html(client.get(f"/challenges/?status=all&agency={world['health'].id}"))
    assert f"Challenge {closed.id}<" in health and "Police Force</td>" not in health
    assert client.get("/challenges/?status=nonsense&agency=%C2%B2&page=x").status_code == 200


def test_board_report_lists_challenges_open_on_the_day_with_their_age(app, world):
    still_open = raise_challenge(world["action"], agency=world["police"], by=world["scrutineer"],
                                 text="Show the audit.")
    closed_after = raise_challenge(world["review"], agency=world["health"], by=world["scrutineer"], text="Late?")
    closed_before = raise_challenge(world["rec"], agency=world["health"], by=world["scrutineer"], text="Gone")
    later = raise_challenge(world["rec"], agency=world["health"], by=world["scrutineer"], text="Not yet raised")
    still_open.created_at = datetime(2025, 5, 1, 9, tzinfo=UTC)
    closed_after.created_at = datetime(2025, 5, 20, 9, tzinfo=UTC)
    closed_after.status, closed_after.closed_at = "closed", datetime(2025, 6, 10, tzinfo=UTC)
    closed_before.created_at = datetime(2025, 4, 1, tzinfo=UTC)
    closed_before.status, closed_before.closed_at = "closed", datetime(2025, 5, 1, tzinfo=UTC)
    later.created_at = datetime(2025, 6, 5, tzinfo=UTC)
    db.session.commit()
    data = build_report_data(resolve_scope(date(2025, 6, 2)), load_settings(), partnership="P", generated_by="T",
                             generated_at=datetime(2025, 6, 2, tzinfo=UTC))
    lines = [(c.id, c.review_reference, c.subject, c.agency, c.age_days, c.text) for c in data.open_challenges]
    assert lines == [
        (still_open.id, "CSPR-9", f"Action {world['action'].id}", "Police Force", 32, "Show the audit."),
        (closed_after.id, "CSPR-9", "The review", "Health Trust", 13, "Late?"),
    ]
    police_only = build_report_data(resolve_scope(date(2025, 6, 2), agency="POL"), load_settings(), partnership="P",
                                    generated_by="T", generated_at=datetime(2025, 6, 2, tzinfo=UTC))
    assert [c.id for c in police_only.open_challenges] == [still_open.id]
    from tracker.reports.render import render_report_html

    part = render_report_html(data).split("<h3>Open scrutiny challenges</h3>")[1].split("</table>")[0]
    assert "2 challenges not closed on 2 June 2025" in part and "Show the audit." in part and "<td>32</td>" in part


def test_raise_refuses_roles_that_may_not(app, world):
    lead = factories.make_user(Role.AGENCY_LEAD, agency=world["police"])
    with pytest.raises(DomainError):
        raise_challenge(world["review"], agency=world["police"], by=lead, text="Hmm")
