"""Ranked, word-based full-text search over the library, on each database's own engine: FTS5 on
SQLite (bm25, with stemming by the porter tokenizer) and tsvector on PostgreSQL (ts_rank_cd over
websearch_to_tsquery over a stored, GIN-indexed tsvector column, `search_document`). Both are made by
the migrations and kept out of the model metadata. The words typed are never passed through as query syntax on SQLite:
they are rebuilt into quoted FTS5 terms, so quotes, brackets or operators cannot break the query."""

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, String, bindparam, false, func, literal_column, select, text
from sqlalchemy.sql import Select

from tracker.core.pagination import Page, paginate, paginate_counted, with_total
from tracker.extensions import db
from tracker.library.models import LibraryReview, library_review_themes
from tracker.themes.models import Theme

#: The weighted tsvector of each entry, stored by PostgreSQL (migration f21a3b4c5d07: a generated column
#: with a GIN index): the match and the ranking read it, never working it out again per search.
PG_DOCUMENT = literal_column("library_reviews.search_document")
#: bm25 weights for the FTS5 columns: title, summary, learning, recommendations, keywords.
FTS_WEIGHTS = "10.0, 1.0, 4.0, 4.0, 4.0"
MARK_START, MARK_END = "\u27e6", "\u27e7"  # never in the listing; become <mark> after escaping
MAX_QUERY = 200
#: Entries whose themes are read in one query, when every match is listed (an export).
BATCH = 500
WORDS = re.compile(r"[^\W_]+")


@dataclass
class LibraryFilters:
    q: str = ""
    year: int | None = None
    area: str = ""
    theme_id: int | None = None

    @property
    def searching(self) -> bool:
        return bool(WORDS.search(self.q))

    @property
    def active(self) -> bool:
        return self.searching or bool(self.year or self.area or self.theme_id)


def fts5_query(q: str) -> str:
    """The user's words as an FTS5 query with web-search habits: words are ANDed, "a phrase" stays
    a phrase, OR between words, a leading minus excludes. Everything is quoted, so no input is
    FTS5 syntax. Empty when there is nothing to search for."""
    groups: list[list[str]] = [[]]
    negatives: list[str] = []
    for token in re.findall(r'-?"[^"]*"?|\S+', q):
        if token == "OR":
            groups.append([])
            continue
        negate = token.startswith("-") and len(token) > 1
        words = WORDS.findall(token)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        (negatives if negate else groups[-1]).append(term)
    groups = [g for g in groups if g]
    if not groups:
        return ""
    positive = " OR ".join("(" + " AND ".join(g) + ")" for g in groups)
    return positive + "".join(f" NOT {n}" for n in negatives)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def search_statements(filters: LibraryFilters) -> tuple[Select, Select, dict] | None:
    """The statement for a page of entries matching the filters (best match first when searching,
    else newest year first in the listing's order), its count, and the parameters both run with.
    None when the words leave nothing to search for (only excluded words, say)."""
    dialect = _dialect()
    params: dict = {"year": filters.year, "area": filters.area, "theme_id": filters.theme_id}
    if filters.searching:
        params["q"] = filters.q if dialect == "postgresql" else fts5_query(filters.q)
        if not params["q"]:
            return None
    stmt, count = _statements(dialect, filters.searching, bool(filters.year), bool(filters.area),
                              bool(filters.theme_id))
    return stmt, count, params


def search_page(filters: LibraryFilters, *, page: int, per_page: int) -> Page:
    """One page of `search_statements`: rows with the id, year, area, title and summary shown (and
    the total last)."""
    found = search_statements(filters)
    if found is None:
        return paginate(_NOTHING, page=page, per_page=per_page, total=0)
    stmt, count, params = found
    return paginate_counted(_counted(stmt), params, page=page, per_page=per_page, count=count)


@cache
def _counted(stmt: Select) -> Select:
    """`stmt` (one of `_statements`, built once) with its total on each row, built once too: the
    entries are matched once for the page and its count."""
    return with_total(stmt)


def all_entries(filters: LibraryFilters) -> Iterator[tuple]:
    """Every entry matching the filters in `search_page`'s order, with its themes' names: (row,
    themes), read a batch at a time."""
    found = search_statements(filters)
    if found is None:
        return
    stmt, _, params = found
    rows = db.session.execute(stmt, params).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        themes = entry_themes([row.id for row in batch])
        yield from ((row, [name for _, name in themes.get(row.id, [])]) for row in batch)


@cache
def _statements(dialect: str, searching: bool, year: bool, area: bool, theme: bool) -> tuple[Select, Select]:
    """Built once for each shape of search: the words and the filters' values are the named
    parameters `q`, `year`, `area` and `theme_id` (building a statement and its cache key on every
    search was a large part of the page's time)."""
    conditions = []
    if year:
        conditions.append(_library.year == bindparam("year"))
    if area:
        conditions.append(_library.area == bindparam("area"))
    if theme:
        conditions.append(_library.id.in_(
            select(_links.library_review_id).where(_links.theme_id == bindparam("theme_id"))))
    stmt = select(*_RESULT).where(*conditions)
    if not searching:
        stmt = stmt.order_by(_library.year.desc(), _library.position, _library.id)
    elif dialect == "postgresql":
        document, query = PG_DOCUMENT, _pg_query(_WORDS)
        stmt = (stmt.where(document.op("@@")(query))
                .order_by(func.ts_rank_cd(document, query).desc(), _library.year.desc(), _library.id))
    else:
        fts = (select(literal_column("rowid").label("id"),
                      literal_column(f"bm25(library_reviews_fts, {FTS_WEIGHTS})").label("rank"))
               .select_from(text("library_reviews_fts")).where(text("library_reviews_fts MATCH :q")).subquery())
        stmt = stmt.join(fts, fts.c.id == _library.id).order_by(fts.c.rank, _library.year.desc(), _library.id)
    return stmt, select(func.count()).select_from(stmt.order_by(None).subquery())


#: The words searched for, on PostgreSQL (SQLite's text statements name `:q` themselves).
_WORDS = bindparam("q", type_=String)


def _pg_query(q) -> ColumnElement:
    return func.websearch_to_tsquery(literal_column("'english'::regconfig"), q)


#: Snippets kept by each app (each server process): most recently shown last, at most this many.
SNIPPETS_KEPT = 4096


def snippets(entries: list, filters: LibraryFilters) -> dict[int, Markup]:
    """A short extract around the words found, for one page of results (rows with the entry's `id`
    and `updated_at`): at most one query. A snippet depends only on the entry's texts and the words,
    so one worked out for an entry as it was last updated is kept and shown again for the same words
    (PostgreSQL's ts_headline parses each result's whole text: 4 ms of CPU for a page of 25, half the
    database's time for a search, again for every page view)."""
    if not entries or not filters.searching:
        return {}
    kept = _kept_snippets()
    keys = {row.id: (row.id, row.updated_at, filters.q) for row in entries}
    found = {entry_id: kept[key] for entry_id, key in keys.items() if key in kept}
    missing = [entry_id for entry_id in keys if entry_id not in found]
    if missing:
        found.update(_worked_out_snippets(missing, filters.q))
    for entry_id, key in keys.items():
        if entry_id in found:
            kept[key] = found[entry_id]
            kept.move_to_end(key)
    while len(kept) > SNIPPETS_KEPT:
        kept.popitem(last=False)
    return found


def _kept_snippets() -> OrderedDict:
    """This app's kept snippets by (entry id, entry's last update, words): per app, so a test's
    fresh database never meets another's."""
    return current_app.extensions.setdefault("library_snippets", OrderedDict())


def _worked_out_snippets(ids: list[int], q: str) -> dict[int, Markup]:
    """The snippets of these entries for these words, from the database: one query."""
    if _dialect() == "postgresql":
        rows = db.session.execute(_pg_snippets(), {"ids": ids, "q": q})
    else:
        rows = db.session.execute(_FTS_SNIPPETS, {"ids": ids, "q": fts5_query(q)})
    return {row.id: marked(row.snippet) for row in rows.all()}


@cache
def _pg_snippets() -> Select:
    body = LibraryReview.learning + " " + LibraryReview.recommendations + " " + LibraryReview.summary
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2"
    return (select(LibraryReview.id, func.ts_headline(literal_column("'english'::regconfig"), body,
                                                      _pg_query(_WORDS), options).label("snippet"))
            .where(LibraryReview.id.in_(bindparam("ids", expanding=True))))


_FTS_SNIPPETS = text(
    f"SELECT rowid AS id, snippet(library_reviews_fts, -1, '{MARK_START}', '{MARK_END}', ' … ', 32) AS snippet "
    "FROM library_reviews_fts WHERE library_reviews_fts MATCH :q AND rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))


def marked(snippet: str) -> Markup:
    html = str(escape(snippet or ""))
    return Markup(html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def facet_options() -> tuple[list[int], list[str], list]:
    """The years, areas and themes (rows with `id` and `name`) to filter by, from the library itself."""
    return db.session.scalars(_YEARS).all(), db.session.scalars(_AREAS).all(), db.session.execute(_THEMES).all()


def entry_themes(ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The themes (id, name) of each of these entries, by name: one query for a page of results."""
    themes: dict[int, list[tuple[int, str]]] = {}
    for entry_id, theme_id, name in db.session.execute(_ENTRY_THEMES, {"ids": ids}).all() if ids else ():
        themes.setdefault(entry_id, []).append((theme_id, name))
    return themes


# Built once, on the tables: plain Core statements skip the ORM's per-query work, and these lists are
# read on every search (mapped themes for a page of 25 results cost more than their query).
_library, _themes, _links = LibraryReview.__table__.c, Theme.__table__, library_review_themes.c
#: What a result shows: not the learning and recommendations texts. The last update keys its snippet.
_RESULT = (_library.id, _library.year, _library.area, _library.title, _library.summary, _library.updated_at)
_NOTHING = select(*_RESULT).where(false())
_YEARS = select(_library.year).distinct().order_by(_library.year.desc())
_AREAS = select(_library.area).distinct().order_by(_library.area)
_THEMES = (select(_themes.c.id, _themes.c.name).where(_themes.c.id.in_(select(_links.theme_id)))
           .order_by(_themes.c.name))
_ENTRY_THEMES = (select(_links.library_review_id, _themes.c.id, _themes.c.name)
                 .join(_themes, _themes.c.id == _links.theme_id)
                 .where(_links.library_review_id.in_(bindparam("ids", expanding=True)))
                 .order_by(_links.library_review_id, _themes.c.name))
