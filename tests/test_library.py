"""The national library: the listing parsed from the real seed file, the idempotent import, ranked
search with filters and pagination, theme merges, and what the review page says about learning
made before (in the library and in earlier local reviews)."""

import re
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.library.listing import keyword_key, keyword_names, parse_listing, split_keywords
from tracker.library.models import LibraryReview, library_review_themes
from tracker.library.search import fts5_query
from tracker.library.services import import_listing
from tracker.reviews.models import Review
from tracker.themes.models import Theme, ThemeAlias, recommendation_themes, review_themes
from tracker.users.models import Role

LISTING = Path(__file__).resolve().parents[1] / "tracker" / "demo" / "national_listing.txt"


@cache
def entries():
    return tuple(parse_listing(LISTING.read_text(encoding="utf-8")))


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


# --- The parser, on the real file -----------------------------------------------------------------


def test_every_review_of_the_listing_and_nothing_else():
    # Counted by hand: 353 heading lines between "Recently published case reviews" and the
    # repository's search box (53 + 92 + 60 + 98 + 50 on the year pages), one with an em dash
    # (2020 — Nottinghamshire — Child RN19), one with no space before the dash (2023– Guernsey).
    found = entries()
    assert len(found) == 353
    assert Counter(e.year for e in found) == {2023: 53, 2022: 92, 2021: 60, 2020: 98, 2019: 50}
    assert all(e.year == e.section_year for e in found)  # each year's page holds that year's reviews
    assert (found[0].year, found[0].area, found[0].title) == (2023, "Anonymous", "Child A")
    assert (found[-1].year, found[-1].area, found[-1].title) == (2019, "Wiltshire", "Child K")
    assert "Montana" not in " ".join(e.summary + e.learning + e.recommendations for e in found)
    assert len({e.natural_key for e in found}) == 353  # two "2023 Anonymous Child A" stay two


def test_noise_alone_gives_nothing():
    text = LISTING.read_text(encoding="utf-8")
    start, end = text.index("2023 – Anonymous – Child A"), text.index("Search the National case review repository")
    assert parse_listing(text[:start]) == []
    assert parse_listing(text[end:]) == []


def test_an_entry_field_by_field():
    first = entries()[0]
    assert first.summary == "Death of a 16-year-old girl. Child A may have died by suicide."
    assert first.learning.startswith("interagency working when there are disclosures of historical sexual abuse;")
    assert first.learning.endswith("and school transition from secondary to sixth form.")
    assert first.recommendations.startswith("a multi-agency reflective learning event")
    assert first.recommendations.endswith("decide not to proceed with allegations of historical abuse.")
    assert first.keywords == ("child deaths", "suicide", "child sexual abuse", "sibling abuse", "adolescent girls")


def test_odd_entries():
    by_title = {(e.year, e.area, e.title): e for e in entries()}
    em_dash = by_title[(2020, "Nottinghamshire", "Child RN19")]
    assert em_dash.learning and em_dash.keywords
    guernsey = by_title[(2023, "Guernsey and Alderney", "John")]
    assert guernsey.summary
    # three paragraphs: what happened, learning, and the link on a line of its own
    marie = by_title[(2022, "Anonymous", "Marie")]
    assert marie.summary == "Death of a 16-year-old girl in January 2020 by suicide."
    assert marie.learning.startswith("the need for a clear model for managing high risk self-harming young people")
    assert "Read the overview report" not in marie.learning + " ".join(marie.keywords)
    # the last entry of a year page is not swallowed by the next page's heading
    ollie = by_title[(2023, "Wirral", "Ollie")]
    assert "Case reviews published" not in ollie.summary + ollie.learning + ollie.recommendations
    # no learning heading: everything stays in what happened
    birmingham = by_title[(2021, "Birmingham", "Child A")]
    assert birmingham.keywords == ()


def test_keywords_are_normalised():
    assert split_keywords("Child deaths,  suicide ; Self harm, self-harm. infants <") == (
        "child deaths", "suicide", "self harm", "infants")
    assert keyword_key("C hild deaths") == keyword_key("child death") == keyword_key("Child-Deaths")
    assert keyword_key("inter-agency cooperation") == keyword_key("Interagency cooperation")
    assert keyword_key("children’s services") == keyword_key("childrens service")
    names = keyword_names(list(entries()))
    assert names[keyword_key("child deaths")][0] == "child deaths"  # the spelling most entries use
    assert names[keyword_key("child deaths")][1] >= 46  # "child deaths", "child death", "c hild deaths"
    assert all(k == k.strip().lower() and "  " not in k for e in entries() for k in e.keywords)


# --- The import ----------------------------------------------------------------------------------


def _counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count()).select_from(LibraryReview)),
            db.session.scalar(select(func.count()).select_from(Theme)),
            db.session.scalar(select(func.count()).select_from(library_review_themes)))


def test_import_twice_from_the_command_line_changes_nothing_the_second_time(app, tmp_path):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-national-listing", str(LISTING)])
    assert first.exit_code == 0, first.output
    assert "353 added, 0 updated, 0 unchanged" in first.output
    counts = _counts()
    assert counts[0] == 353 and counts[1] > 150
    second = runner.invoke(args=["import-national-listing", str(LISTING)])
    assert "0 added, 0 updated, 353 unchanged; 0 new themes" in second.output
    assert _counts() == counts

    corrected = tmp_path / "listing.txt"
    corrected.write_text(LISTING.read_text(encoding="utf-8").replace(
        "peer support and influence;", "peer support and peer influence;"), encoding="utf-8")
    third = runner.invoke(args=["import-national-listing", str(corrected)])
    assert "0 added, 1 updated, 352 unchanged" in third.output
    assert _counts() == counts
    entry = db.session.scalar(select(LibraryReview).where(LibraryReview.learning.contains("peer influence")))
    assert entry.title == "Child A"


def test_import_refuses_a_file_that_is_not_the_listing(app, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Nothing to see here.\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-national-listing", str(other)])
    assert result.exit_code != 0 and "No reviews found" in result.output


def test_recurring_keywords_become_themes_and_existing_themes_are_reused(app):
    neglect = factories.make_theme("Child neglect")
    import_listing(list(entries()))
    db.session.commit()
    themes = {t.name for t in db.session.scalars(select(Theme))}
    assert "Child deaths" in themes and "Suicide" in themes
    assert "Pets" not in themes  # one entry only: a keyword, not a theme
    assert db.session.scalar(select(func.count()).select_from(Theme).where(func.lower(Theme.name) == "child neglect")) == 1
    linked = db.session.scalar(select(func.count()).select_from(library_review_themes)
                               .where(library_review_themes.c.theme_id == neglect.id))
    assert linked == 67


# --- Search --------------------------------------------------------------------------------------


@pytest.fixture
def library(app):
    import_listing(list(entries()))
    db.session.commit()


def _titles(response) -> list[str]:
    page = response.get_data(as_text=True)
    return re.findall(r'<h2 class="govuk-heading-s[^"]*">\s*<a class="govuk-link" href="/library/\d+">([^<]+)</a>', page)


def test_search_is_ranked_word_based_and_shows_snippets(client, login_as, library):
    login_as(Role.BOARD_MEMBER)
    response = client.get("/library/?q=thematic+suicide")
    assert response.status_code == 200
    titles = _titles(response)
    assert titles[0] == "Suicide: thematic analysis"  # in the title: ranked first
    assert "<mark>" in response.get_data(as_text=True)
    # stemming: "sleeping" finds "sleep"
    assert "found, best match first" in text_of(client.get("/library/?q=sleep"))
    assert _titles(client.get("/library/?q=sleep"))


def test_search_filters_and_pages(client, login_as, library):
    login_as(Role.AGENCY_LEAD, agency=factories.make_agency())
    assert "98 published reviews in the library" not in text_of(client.get("/library/?year=2020"))
    assert "98 published reviews match the filters" in text_of(client.get("/library/?year=2020"))
    page_one, page_two = _titles(client.get("/library/?year=2020")), _titles(client.get("/library/?year=2020&page=2"))
    assert len(page_one) == 25 and len(page_two) == 25 and not set(page_one) & set(page_two)
    assert "5 published reviews match the filters" in text_of(client.get("/library/?area=Hampshire&year=2022"))
    theme = db.session.scalar(select(Theme).where(Theme.name == "Suicide"))
    found = text_of(client.get(f"/library/?theme={theme.id}&q=school"))
    assert "found, best match first" in found
    nothing = text_of(client.get("/library/?q=zzzqqq"))
    assert "No published review matches “zzzqqq”" in nothing


@pytest.mark.parametrize("q", ['"', '"unclosed phrase', 'AND OR NOT', '(neglect', 'neglect*', 'NEAR(a b)',
                               "'; drop table library_reviews; --", "-", "title:neglect", "^", "x" * 500,
                               "neglect OR", "OR OR", "\u00e9t\u00e9 caf\u00e9", "\x00"])
def test_odd_search_input_never_fails(client, login_as, library, q):
    login_as(Role.SCRUTINEER)
    response = client.get("/library/", query_string={"q": q, "year": "20x", "theme": "²", "page": "-1"})
    assert response.status_code == (400 if "\x00" in q else 200)  # NUL is refused app-wide


def test_fts5_query_quotes_everything():
    assert fts5_query('neglect "safe sleep" -fathers') == '("neglect" AND "safe sleep") NOT "fathers"'
    assert fts5_query("knife OR stabbing") == '("knife") OR ("stabbing")'
    assert fts5_query('" ( * ^') == ""


def test_library_entry_page(client, login_as, library):
    login_as(Role.BOARD_MEMBER)
    entry = db.session.scalar(select(LibraryReview).where(LibraryReview.title == "Child RN19"))
    page = text_of(client.get(f"/library/{entry.id}"))
    assert "Child RN19" in page and "Nottinghamshire, 2020" in page and "Learning" in page
    assert client.get("/library/999999").status_code == 404


# --- Themes: merge, rename, the theme page --------------------------------------------------------


def test_merge_moves_every_link_once_and_is_audited(client, login_as, library):
    kept = db.session.scalar(select(Theme).where(Theme.name == "Suicide"))
    merged = db.session.scalar(select(Theme).where(Theme.name == "Self harm"))
    review = factories.make_review(title="Child S")
    review.themes = [kept, merged]
    other = factories.make_review(title="Child M")
    other.themes = [merged]
    rec = factories.make_recommendation(review)
    rec.themes = [merged]
    db.session.commit()
    kept_id, merged_id = kept.id, merged.id
    library_links = db.session.scalar(select(func.count()).select_from(library_review_themes)
                                      .where(library_review_themes.c.theme_id.in_([kept_id, merged_id])))
    both = db.session.scalar(
        select(func.count()).select_from(select(library_review_themes.c.library_review_id)
                                         .where(library_review_themes.c.theme_id.in_([kept_id, merged_id]))
                                         .group_by(library_review_themes.c.library_review_id)
                                         .having(func.count() == 2).subquery()))

    login_as(Role.BUSINESS_UNIT)
    response = client.post(f"/themes/{merged_id}/merge", data={"into": str(kept_id)})
    assert response.status_code == 302
    assert db.session.get(Theme, merged_id) is None
    assert {r.title for r in db.session.scalars(
        select(Review).join(review_themes).where(review_themes.c.theme_id == kept_id))} == {"Child S", "Child M"}
    assert db.session.scalar(select(recommendation_themes.c.theme_id)
                             .where(recommendation_themes.c.recommendation_id == rec.id)) == kept_id
    assert db.session.scalar(select(func.count()).select_from(library_review_themes)
                             .where(library_review_themes.c.theme_id == kept_id)) == library_links - both
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.event == "theme merged"))
    assert "“Self harm” merged into “Suicide”" in record.summary

    # importing the listing again links "self harm" to the kept theme, and makes no new "Self harm"
    import_listing(list(entries()))
    db.session.commit()
    assert db.session.scalar(select(Theme).where(Theme.name == "Self harm")) is None


def test_merge_form_refuses_no_choice_and_the_same_theme(client, login_as, library):
    theme = db.session.scalar(select(Theme).where(Theme.name == "Suicide"))
    login_as(Role.ADMIN)
    assert client.post(f"/themes/{theme.id}/merge", data={"into": ""}).status_code == 422
    assert client.post(f"/themes/{theme.id}/merge", data={"into": str(theme.id)}).status_code == 422
    assert client.post(f"/themes/{theme.id}/merge", data={"into": "x²"}).status_code == 422
    assert db.session.get(Theme, theme.id) is not None


def test_rename_keeps_the_old_name_as_an_alias(client, login_as, library):
    theme = db.session.scalar(select(Theme).where(Theme.name == "Suicide"))
    login_as(Role.BUSINESS_UNIT)
    client.post(f"/themes/{theme.id}/edit", data={"name": "Suicide and self-harm", "description": ""})
    assert db.session.scalar(select(ThemeAlias.theme_id).where(ThemeAlias.key == keyword_key("suicide"))) == theme.id
    import_listing(list(entries()))
    db.session.commit()
    assert db.session.scalar(select(Theme).where(Theme.name == "Suicide")) is None


def test_theme_page_lists_the_library(client, login_as, library):
    theme = db.session.scalar(select(Theme).where(Theme.name == "Suicide"))
    login_as(Role.AGENCY_LEAD, agency=factories.make_agency())
    page = text_of(client.get(f"/themes/{theme.id}"))
    assert "Published reviews elsewhere" in page and "30 published reviews from other areas" in page


# --- The review page -----------------------------------------------------------------------------


def test_review_page_shows_similar_learning_and_learning_made_before(client, login_as, library, today):
    neglect = db.session.scalar(select(Theme).where(Theme.name == "Child neglect"))
    old = factories.make_review(title="Child P", notification_date=date(2017, 3, 1))
    old_rec = factories.make_recommendation(old)
    old_rec.themes = [neglect]
    agency = factories.make_agency()
    for status in ("open", "in_progress", "assured"):
        factories.make_action(owner=agency, status=status, recommendation=old_rec, today=today)
    factories.make_action(owner=agency, status="assured", recommendation=old_rec, today=today - timedelta(days=400))
    factories.make_action(owner=agency, status="withdrawn", recommendation=old_rec, today=today)
    new = factories.make_review(title="Child Y", notification_date=date(2021, 1, 5))
    new_rec = factories.make_recommendation(new, text="Audit neglect cases.")
    new_rec.themes = [neglect]
    db.session.commit()

    login_as(Role.BOARD_MEMBER)
    page = text_of(client.get(f"/reviews/{new.id}"))
    assert "This learning was also made in Child P (2017): 2 actions still open, 1 action assured in the last year." in page
    assert "Similar learning elsewhere" in page
    assert "Shared theme: Child neglect" in page
    # the older review hears nothing about itself
    assert "also made in" not in text_of(client.get(f"/reviews/{old.id}"))


def test_the_oldest_three_reviews_are_named_and_the_rest_counted(client, login_as, library, today):
    neglect = db.session.scalar(select(Theme).where(Theme.name == "Child neglect"))
    agency = factories.make_agency()
    for year in (2019, 2015, 2021, 2017, 2023):
        rec = factories.make_recommendation(factories.make_review(title=f"Child {year}",
                                                                  notification_date=date(year, 3, 1)))
        rec.themes = [neglect]
        factories.make_action(owner=agency, status="open", recommendation=rec, today=today)
    new = factories.make_review(title="Child Y", notification_date=date(2025, 1, 5))
    factories.make_recommendation(new).themes = [neglect]
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    page = text_of(client.get(f"/reviews/{new.id}"))
    named = [year for year in (2015, 2017, 2019, 2021, 2023) if f"also made in Child {year} ({year})" in page]
    assert named == [2015, 2017, 2019]
    assert page.index("Child 2015 (2015)") < page.index("Child 2017 (2017)") < page.index("Child 2019 (2019)")
    assert "The same learning was made in 2 other reviews" in page


def test_agency_lead_hears_only_of_their_own_agencys_actions(client, login_as, library, today):
    neglect = db.session.scalar(select(Theme).where(Theme.name == "Child neglect"))
    old = factories.make_review(title="Child P")
    old_rec = factories.make_recommendation(old)
    old_rec.themes = [neglect]
    factories.make_action(owner=factories.make_agency(), status="open", recommendation=old_rec)
    new = factories.make_review(title="Child Y")
    factories.make_recommendation(new).themes = [neglect]
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=factories.make_agency())
    assert "also made in" not in text_of(client.get(f"/reviews/{new.id}"))


def test_snippets_are_kept_until_the_entry_changes(app, library):
    """A snippet is worked out once for an entry and the words, then shown again without asking the
    database; an entry that changes gets its new text's snippet."""
    from sqlalchemy import event

    from tracker.library.search import LibraryFilters, search_page, snippets

    words = LibraryFilters(q="neglect")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        rows = search_page(words, page=1, per_page=25).items
        first = snippets(rows, words)
        assert statements and "<mark>" in "".join(first.values())
        statements.clear()
        assert snippets(search_page(words, page=1, per_page=25).items, words) == first
        assert not [s for s in statements if "snippet" in s]
        entry = db.session.get(LibraryReview, rows[0].id)
        entry.summary, entry.learning, entry.recommendations = "Zyxwvut neglect, written again.", "", ""
        db.session.commit()
        row = next(r for r in search_page(words, page=1, per_page=100).items if r.id == entry.id)
        assert "Zyxwvut" in snippets([row], words)[entry.id]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_postgresql_search_uses_the_gin_index_of_the_stored_document(app, library):
    """The query matches and ranks on the stored tsvector column (migration f21a3b4c5d07), through its GIN
    index: not an expression worked out per entry on every search, nor a read of the whole table."""
    from sqlalchemy import text

    from tracker.library.search import LibraryFilters, search_statements

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the stored tsvector and its GIN index exist on PostgreSQL only (SQLite uses FTS5)")
    stmt, _, params = search_statements(LibraryFilters(q="safe sleep"))
    sql = str(stmt.params(params).compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
    assert "ix_library_reviews_search" in plan, plan
    assert "to_tsvector" not in plan, plan  # the document is read, not worked out


def test_learning_reads_as_points():
    from tracker.library.models import as_points

    assert as_points("the first; the second; and the third.") == ["The first", "The second", "The third."]
    assert as_points("one thing; another") == []


def test_the_results_export_in_their_order_with_themes_and_links(client, login_as, library):
    """Issue 18 point 3: every entry the search finds (not one page), best match first, as CSV and XLSX."""
    from tests.spreadsheet_reading import csv_rows, xlsx_rows

    login_as(Role.BOARD_MEMBER)
    rows = csv_rows(client.get("/library/export.csv?q=thematic+suicide"))
    assert rows[0] == ["Year", "Area", "Title", "Summary", "Themes", "Link"]
    assert rows[1][2] == _titles(client.get("/library/?q=thematic+suicide"))[0] == "Suicide: thematic analysis"
    assert rows[1][5].startswith("http://localhost/library/")
    filtered = xlsx_rows(client.get("/library/export.xlsx?year=2020"))
    assert len(filtered) == 1 + 98 and all(row[0] == 2020 for row in filtered[1:])  # every page, typed years
    assert any(row[4] for row in filtered[1:])  # themes listed
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.event == "export")) == 2
