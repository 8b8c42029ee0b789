"""Search: the index kept current by the write path, ranked and highlighted results with their
filters, short references found, and results that obey the action pages' permission rule, down to
the snippets. Runs on SQLite (FTS5) and, with --db=postgres, on PostgreSQL (tsvector)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tracker.actions import services as actions
from tracker.comments import services as comments
from tracker.extensions import db
from tracker.search.index import KINDS, rebuild
from tracker.search.models import SearchEntry
from tracker.search import queries
from tracker.search.queries import SearchFilters, highlights, search
from tracker.users.models import Role
from tracker.withdrawals import services as withdrawals


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def world(app):
    police, health = factories.make_agency("Police", "POL"), factories.make_agency("Health trust", "NHS")
    review = factories.make_review("CSPR-2024-07", title="Child Q")
    review.summary = "Neglect of a toddler; missed genograms."
    rec = factories.make_recommendation(review, number="3", addressees=[police, health],
                                        text="Agencies should strengthen professional curiosity.")
    police_action = factories.make_action(owner=police, recommendation=rec, status="in_progress",
                                          description="Brief every sergeant on curiosity.")
    health_action = factories.make_action(owner=health, recommendation=rec, status="in_progress",
                                          description="Train health visitors on genograms.")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=health)
    actions.record_progress(health_action, by=lead, narrative="The secret zebrafinch audit found 85 per cent.",
                            proposed_rating="green", update_date=factories.TODAY - timedelta(days=1),
                            today=factories.TODAY)
    factories.make_evidence(health_action, lead, kind="impact").title = "Genogram audit of files"
    comment, _ = comments.post_comment(health_action, by=lead, text="The quokka rota starts in March.")
    db.session.commit()
    return {"police": police, "health": health, "review": review, "rec": rec, "police_action": police_action,
            "health_action": health_action, "lead": lead, "comment": comment}


def _found(user, q, **filters):
    page = search(user, SearchFilters(q=q, **filters), page=1, per_page=25).page
    return [(row.kind, row.object_id) for row in page.items]


def test_every_kind_is_indexed_by_the_write_path(world):
    kinds = {kind for kind, in db.session.execute(select(SearchEntry.kind))}
    assert kinds == set(KINDS)


def test_words_find_reviews_recommendations_actions_updates_and_evidence(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    assert ("review", world["review"].id) in _found(staff, "toddler")
    assert ("recommendation", world["rec"].id) in _found(staff, "curiosity")
    assert ("action", world["police_action"].id) in _found(staff, "sergeant")
    assert [k for k, _ in _found(staff, "zebrafinch")] == ["update"]
    assert ("evidence", world["health_action"].evidence[0].id) in _found(staff, "genogram audit")


def test_comments_are_found_by_those_who_may_see_the_action(world, app, client, login_as):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    assert _found(staff, "quokka") == [("comment", world["comment"].id)]
    assert _found(staff, "quokka", kind="comment") == [("comment", world["comment"].id)]
    police_lead = factories.make_user(Role.AGENCY_LEAD, agency=world["police"])
    assert _found(police_lead, "quokka") == []
    login_as(None, user=staff)
    page = client.get("/search/?q=quokka")
    assert page.status_code == 200 and "rota starts in March" in text_of(page)
    assert f'href="/actions/{world["health_action"].id}/timeline"' in page.get_data(as_text=True)
    other = app.test_client()
    login_as(None, user=police_lead, client=other)
    page = other.get("/search/?q=quokka")
    assert page.status_code == 200 and "rota" not in text_of(page)


def test_withdrawn_comments_updates_and_evidence_leave_search(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    action = world["health_action"]
    update, evidence = action.updates[0], action.evidence[0]
    for entry in (world["comment"], update, evidence):
        withdrawals.withdraw(action, entry, by=staff, reason="Posted by mistake")
    db.session.commit()
    assert _found(staff, "quokka") == []
    assert _found(staff, "zebrafinch") == []
    assert "evidence" not in [k for k, _ in _found(staff, "genogram audit")]
    before = db.session.scalar(select(db.func.count()).select_from(SearchEntry))
    assert rebuild(db.session.connection()) == before  # the bulk rebuild agrees with the write path


def test_english_stemming(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    assert ("action", world["health_action"].id) in _found(staff, "training")  # "Train"


def test_the_short_reference_finds_the_action_first(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    action = world["police_action"]
    found = _found(staff, action.short_reference)
    assert found[0] == ("action", action.id)
    assert ("action", world["health_action"].id) not in found


def test_the_index_follows_edits_and_renames(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    action = world["police_action"]
    action.description = "Brief every inspector on escalation."
    db.session.commit()
    assert _found(staff, "sergeant") == []
    assert ("action", action.id) in _found(staff, "inspector")
    world["review"].reference = "LCSPR-2030-99"
    db.session.commit()
    entry = db.session.scalar(select(SearchEntry).where(SearchEntry.kind == "action",
                                                        SearchEntry.object_id == action.id))
    assert entry.reference == action.short_reference == f"LCSPR-2030-99 R3 A{action.id}"
    assert ("update", action.id) not in _found(staff, "CSPR-2024-07")


def test_deleted_records_leave_the_index(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    db.session.delete(world["health_action"].evidence[0])
    db.session.commit()
    assert "evidence" not in [k for k, _ in _found(staff, "genogram audit")]
    db.session.delete(world["review"])
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(SearchEntry)) == 0


def test_rebuild_writes_the_same_entries(world):
    def entries():
        return sorted(db.session.execute(select(SearchEntry.kind, SearchEntry.object_id, SearchEntry.reference,
                                                SearchEntry.title, SearchEntry.body, SearchEntry.action_id)).all())
    before = entries()
    assert rebuild(db.session.connection()) == len(before)
    assert entries() == before


def test_an_agency_lead_never_finds_another_agencys_text(world):
    police_lead = factories.make_user(Role.AGENCY_LEAD, agency=world["police"])
    assert _found(police_lead, "zebrafinch") == []
    assert _found(police_lead, "genograms") == [("review", world["review"].id)]  # the review is everyone's
    assert ("action", world["police_action"].id) in _found(police_lead, "sergeant")
    # Not through a filter naming the other agency, nor through the snippets of a page.
    assert _found(police_lead, "train", agency_id=world["health"].id) == []
    ids = [e.id for e in db.session.scalars(select(SearchEntry))]
    visible = search(police_lead, SearchFilters(q="audit OR zebrafinch OR train"), page=1, per_page=25).page
    assert all(row.action_id in (None, world["police_action"].id) for row in visible.items)
    assert len(ids) > len(visible.items)


def test_the_page_highlights_and_filters(world, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/search/?q=genograms").get_data(as_text=True)
    assert "<mark>genograms</mark>" in page.lower()
    assert "CSPR-2024-07 R3" in page
    only_actions = text_of(client.get("/search/?q=genograms&kind=action"))
    assert "1 result" in only_actions and "Train health visitors" in only_actions
    by_status = text_of(client.get("/search/?q=genograms&status=assured"))
    assert "Nothing you can see matches" in by_status
    by_review = text_of(client.get(f"/search/?q=genograms&review={world['review'].id}"))
    assert "Nothing you can see" not in by_review


def test_the_lead_page_shows_no_other_agencys_snippet(world, client, login_as):
    login_as(Role.AGENCY_LEAD, agency=world["police"])
    page = client.get("/search/?q=zebrafinch+OR+sergeant+OR+genograms").get_data(as_text=True)
    # The words typed are echoed; the other agency's text around them never is.
    assert "secret" not in page.lower() and "85 per cent" not in page and "health visitors" not in page.lower()
    assert "sergeant" in page.lower()
    assert 'name="agency"' not in page  # no owner filter for a lead, as on the actions list


def test_the_header_box_is_on_every_page_and_odd_input_is_safe(world, client, login_as):
    login_as(Role.BOARD_MEMBER)
    home = client.get("/").get_data(as_text=True)
    assert 'action="/search/"' in home and 'id="header-search"' in home
    for q in ['"', "NEAR(", "a) OR (b", "-", "*", "x" * 500, "<script>"]:
        response = client.get("/search/", query_string={"q": q})
        assert response.status_code == 200
        assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_results_are_paginated_with_the_page_in_the_title(app, client, login_as):
    agency = factories.make_agency()
    rec = factories.make_recommendation(addressees=[agency])
    for n in range(30):
        factories.make_action(owner=agency, recommendation=rec, description=f"Quokka step {n}.")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/search/?q=quokka&kind=action&page=2").get_data(as_text=True)
    assert "page 2 of 2" in page.split("</title>")[0]
    assert "Showing 26 to 30 of 30 results" in text_of_html(page)


def test_too_many_to_rank_lists_the_newest_and_says_so(app, client, login_as, monkeypatch):
    agency = factories.make_agency()
    rec = factories.make_recommendation(addressees=[agency])
    made = [factories.make_action(owner=agency, recommendation=rec, description=f"Wombat task {n}.")
            for n in range(6)]
    db.session.commit()
    monkeypatch.setattr(queries, "RANKED_AT_MOST", 4)
    staff = factories.make_user(Role.BUSINESS_UNIT)
    results = search(staff, SearchFilters(q="wombat", kind="action"), page=1, per_page=25)
    assert not results.ranked and results.page.total == 4
    assert [row.object_id for row in results.page.items][:2] == [made[-1].id, made[-2].id]
    assert search(staff, SearchFilters(q="wombat task 3"), page=1, per_page=25).ranked
    login_as(Role.BUSINESS_UNIT)
    assert "too many to rank" in text_of(client.get("/search/?q=wombat"))


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_highlights_only_for_the_ids_asked(world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    page = search(staff, SearchFilters(q="genograms"), page=1, per_page=25).page
    marks = highlights([page.items[0].id], SearchFilters(q="genograms"))
    assert list(marks) == [page.items[0].id]


def test_postgresql_search_uses_the_gin_expression_index(world):
    """The query's document expression must be the migration's, word for word, or the index is
    never used and every search reads the whole table."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the GIN expression index exists on PostgreSQL only (SQLite uses FTS5)")
    staff = factories.make_user(Role.BUSINESS_UNIT)
    stmt = queries._matches(staff, SearchFilters(q="curiosity"), "postgresql", newest=False)
    params = {"q": "curiosity", "exact": "curiosity"}
    sql = str(stmt.params(params).compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
    assert "ix_search_entries_search" in plan, plan


def test_the_sql_references_are_the_models(world):
    """The index writes short references in SQL; they must be the models' own rule."""
    for action in (world["police_action"], world["health_action"]):
        refs = set(db.session.scalars(select(SearchEntry.reference).where(SearchEntry.action_id == action.id)))
        assert refs == {action.short_reference}
    rec_ref = db.session.scalar(select(SearchEntry.reference).where(
        SearchEntry.kind == "recommendation", SearchEntry.object_id == world["rec"].id))
    assert rec_ref == world["rec"].short_reference


@pytest.mark.parametrize("filters", [{"status": "in_progress"}, {"kind": "update"}, {"kind": "action", "status": "in_progress"},
                                     {"status": "assured"}, {}])
def test_a_narrow_filter_applied_first_finds_the_same_entries(world, monkeypatch, filters):
    """Issue 18: a broad word with a narrow filter reads the filter's few entries first (SQLite). The
    short list must change nothing found, for the lead too: the same as the join on every match."""
    health_lead = factories.make_user(Role.AGENCY_LEAD, agency=world["health"])
    staff = factories.make_user(Role.BUSINESS_UNIT)
    listed = []
    original = queries._prefilter
    monkeypatch.setattr(queries, "_prefilter", lambda f: listed.append(original(f)) or listed[-1])
    for user in (staff, health_lead):
        for q in ("audit OR train OR curiosity OR genograms", "zebrafinch"):
            short_list = _found(user, q, **filters)
            monkeypatch.setattr(queries, "PREFILTER_AT_MOST", 0)  # never a short list: the join per match
            joined = _found(user, q, **filters)
            monkeypatch.setattr(queries, "PREFILTER_AT_MOST", 5000)
            assert short_list == joined
    if db.session.get_bind().dialect.name == "sqlite":
        assert any(s is not None for s in listed) == bool(filters)
    if filters.get("status") == "in_progress":
        assert ("action", world["health_action"].id) in _found(staff, "genograms", **filters)


def test_results_export_in_their_order_with_links_and_the_same_permissions(world, app, client, login_as):
    """Issue 18 point 3: a search's results as CSV and XLSX, best match first, each with its link; an
    agency lead's export holds only what their results pages hold."""
    from tests.spreadsheet_reading import csv_rows, xlsx_rows

    staff = factories.make_user(Role.BUSINESS_UNIT)
    login_as(None, user=staff)
    shown = re.findall(r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="([^"]+)"',
                       client.get("/search/?q=genograms").get_data(as_text=True))
    rows = csv_rows(client.get("/search/export.csv?q=genograms"))
    assert rows[0] == ["Kind", "Reference", "Date", "Title", "Link"]
    assert len(shown) > 2 and [row[4] for row in rows[1:]] == ["http://localhost" + href for href in shown]
    assert {row[0] for row in rows[1:]} >= {"Review", "Action"}
    only_actions = xlsx_rows(client.get("/search/export.xlsx?q=genograms&kind=action"))
    assert [row[0] for row in only_actions[1:]] == ["Action"]
    assert csv_rows(client.get("/search/export.csv?q="))[1:] == []  # nothing asked, nothing listed
    police_lead = factories.make_user(Role.AGENCY_LEAD, agency=world["police"])
    other = app.test_client()
    login_as(None, user=police_lead, client=other)
    assert csv_rows(other.get("/search/export.csv?q=quokka"))[1:] == []  # health's comment stays hidden
    assert "Brief every sergeant" in " ".join(sum(csv_rows(other.get("/search/export.csv?q=sergeant")), []))
