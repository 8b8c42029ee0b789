"""Comments on an action with @mentions: resolved only to people who may see the action, emailed at once
or gathered into the next day's digest, as each person chose; withdrawn like an update."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import TODAY, make_action, make_agency, make_user
from tests.smtp_server import SMTPServer
from tracker.comments import services
from tracker.comments.models import Comment, CommentMention
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.reminders.services import mentions_section, DigestContext
from tracker.settings import Settings
from tracker.timeline.services import action_timeline
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    bea = make_user(Role.BUSINESS_UNIT, name="Bea Unit", email="bea@example.org")
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police", email="pat@police.example.org")
    hal = make_user(Role.AGENCY_LEAD, agency=health, name="Hal Health", email="hal@health.example.org")
    sam = make_user(Role.SCRUTINEER, name="Sam Scrutiny", email="sam@example.org")
    board = make_user(Role.BOARD_MEMBER, name="Bo Board")
    action = make_action(owner=police, lead=pat, by=bea, description="POLICE action")
    db.session.commit()
    return {"police": police, "bea": bea, "pat": pat, "hal": hal, "sam": sam, "board": board, "action": action}


def test_mentions_resolve_only_to_people_who_may_see_the_action(world):
    comment, people = services.post_comment(
        world["action"], by=world["bea"], text="@Pat Police and @sam@example.org please look; @Hal Health too.")
    assert {p.name for p in people} == {"Pat Police", "Sam Scrutiny"}
    assert {m.user_id for m in db.session.scalars(select(CommentMention))} == {world["pat"].id, world["sam"].id}


def test_who_may_comment(world):
    with pytest.raises(DomainError, match="Only the action's lead"):
        services.post_comment(world["action"], by=world["board"], text="Nice.")
    with pytest.raises(DomainError, match="Enter your comment"):
        services.post_comment(world["action"], by=world["sam"], text="  ")
    services.post_comment(world["action"], by=world["sam"], text="Where is the audit?")


def test_a_mention_emails_at_once_unless_the_digest_was_chosen(app, client, login_as, world, tmp_path):
    world["sam"].notify_digest = True
    db.session.commit()
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        login_as(Role.BUSINESS_UNIT, user=world["bea"])
        url = f"/actions/{world['action'].id}/comments"
        empty = client.post(url, data={"text": ""})
        assert empty.status_code == 422 and "Enter your comment" in empty.get_data(as_text=True)
        response = client.post(url, data={"text": "@pat@police.example.org and @Sam Scrutiny: the audit is late."})
        assert response.status_code == 302
        assert [m["To"] for m in server.messages] == ["Pat Police <pat@police.example.org>"]
        assert "Bea Unit mentioned you" in server.messages[0]["Subject"]
        assert "the audit is late" in server.messages[0].get_body().get_content()
    page = client.get(f"/actions/{world['action'].id}/timeline").get_data(as_text=True)
    assert "the audit is late" in page


def test_the_next_days_digest_gathers_mentions_for_those_who_chose_it(world):
    world["sam"].notify_digest = True
    comment, _ = services.post_comment(world["action"], by=world["bea"], text="@Sam Scrutiny see this")
    comment.created_at = datetime(TODAY.year, TODAY.month, TODAY.day, 11, tzinfo=UTC) - timedelta(days=1)
    db.session.commit()
    sections = mentions_section(DigestContext(today=TODAY, settings=Settings()))
    assert list(sections) == [world["sam"].id]
    assert "Bea Unit: @Sam Scrutiny see this" == sections[world["sam"].id].items[0].note
    assert mentions_section(DigestContext(today=TODAY + timedelta(days=1), settings=Settings())) == {}


def test_a_withdrawn_comment_leaves_the_timeline(client, login_as, world):
    comment, _ = services.post_comment(world["action"], by=world["pat"], text="WRONG comment")
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    url = f"/actions/{world['action'].id}/comments/{comment.id}/withdraw"
    assert url in client.get(f"/actions/{world['action'].id}/timeline").get_data(as_text=True)
    assert client.post(url, data={"reason": "Meant for another action"}).status_code == 302
    assert "WRONG comment" not in {e.text for e in action_timeline(world["action"].id, world["pat"])[0]}
    assert db.session.get(Comment, comment.id).withdrawal_reason == "Meant for another action"


def test_each_person_chooses_immediate_or_digest(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    assert "Email me at once" in client.get("/account/notifications").get_data(as_text=True)
    assert client.post("/account/notifications", data={"choice": "digest"}).status_code == 302
    db.session.refresh(world["pat"])
    assert world["pat"].notify_digest is True
    assert "once a day, in a digest" in client.get("/account").get_data(as_text=True)
