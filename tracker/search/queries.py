"""Ranked search over the index, with the pages' own permission rule: an entry that belongs to an
action is found only by those who may see that action (`permissions.visible_actions_filter`, the
rule of the action pages and lists), and its snippet is made only for the entries so found.

SQLite: FTS5 (bm25, porter stemming); PostgreSQL: ts_rank_cd over websearch_to_tsquery with the
English configuration, served by the GIN expression index of migration e18d4f5a6b04. The words
typed are never query syntax on SQLite: `tracker.library.search.fts5_query` rebuilds them."""

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import (ColumnElement, String, and_, bindparam, case, column, false, func, literal_column, or_, select,
                        table, text)
from sqlalchemy.sql import Select, operators
from sqlalchemy.sql.elements import UnaryExpression

from tracker import permissions
from tracker.actions.models import Action
from tracker.core.pagination import Page, paginate
from tracker.extensions import db
from tracker.library.search import MARK_END, MARK_START, WORDS, marked, fts5_query
from tracker.search.index import KINDS
from tracker.search.models import SearchEntry
from tracker.users.models import User

#: Must stay identical to the expression indexed in migration e18d4f5a6b04 (a test checks the plan).
PG_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, reference), 'A') || "
    "setweight(to_tsvector('english'::regconfig, title), 'B') || "
    "setweight(to_tsvector('english'::regconfig, body), 'C')"
)
#: bm25 weights for the FTS5 columns: reference, title, body.
FTS_WEIGHTS = "10.0, 4.0, 1.0"
MAX_QUERY = 200


@dataclass
class SearchFilters:
    q: str = ""
    kind: str = ""
    agency_id: int | None = None
    review_id: int | None = None
    status: str = ""

    @property
    def searching(self) -> bool:
        return bool(WORDS.search(self.q))


_entries, _actions = SearchEntry.__table__.c, Action.__table__.c
_RESULT = (_entries.id, _entries.kind, _entries.object_id, _entries.review_id, _entries.action_id,
           _entries.reference, _entries.title, _entries.entry_date)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


#: Ranking reads every match (bm25 or ts_rank_cd per row: a quarter of a second for 27,000 matches
#: on the ten-year data). Beyond this many matches a search is too broad to rank usefully: the
#: newest matches are listed, read in the index's own order, and the page says so.
RANKED_AT_MOST = 2000


@dataclass
class SearchResults:
    page: Page
    ranked: bool  # best match first; else newest first, more than RANKED_AT_MOST matches


#: A filter that leaves at most this many entries (a status, an agency, a kind) is applied first on
#: SQLite: the matches are then checked against that short list, not each joined to its action.
PREFILTER_AT_MOST = 5000


def _filter_conditions(filters: SearchFilters) -> list[ColumnElement]:
    """The kind, agency and status filters on the entries and their actions, as plain conditions."""
    conditions = []
    if filters.kind in KINDS:
        conditions.append(_entries.kind == filters.kind)
    if filters.agency_id:
        conditions.append(_actions.owner_agency_id == filters.agency_id)
    if filters.status:
        conditions.append(_actions.status == filters.status)
    return conditions


def _prefilter(filters: SearchFilters) -> Select | None:
    """The ids of the entries that pass the kind, agency and status filters, read from their
    indexes, when they are few (counted up to PREFILTER_AT_MOST): a broad word with a narrow filter
    then costs a probe per match, not a join per match (issue 18: 60 ms down to 10 ms on the
    ten-year data for "training" with one status). None when there is no such filter, or too many."""
    conditions = _filter_conditions(filters)
    if not conditions:
        return None
    ids = select(_entries.id).select_from(SearchEntry.__table__)
    if filters.agency_id or filters.status:
        ids = ids.join(Action.__table__, _actions.id == _entries.action_id)
    ids = ids.where(*conditions)
    few = db.session.execute(select(func.count()).select_from(
        ids.limit(PREFILTER_AT_MOST + 1).subquery())).scalar_one()
    return ids if few <= PREFILTER_AT_MOST else None


def _matches(user: User, filters: SearchFilters, dialect: str, newest: bool,
             prefilter: Select | None = None) -> Select:
    """The entries the user may see that match the words and filters, in the order asked."""
    plain = _unindexed if dialect == "sqlite" else (lambda c: c)
    conditions = [or_(_entries.action_id.is_(None), permissions.visible_actions_filter(user))]
    if filters.kind in KINDS:
        conditions.append(plain(_entries.kind) == filters.kind)
    if filters.agency_id:
        conditions.append(_actions.owner_agency_id == filters.agency_id)
    if filters.review_id:
        conditions.append(_entries.review_id == filters.review_id)  # a review: a few hundred entries
    if filters.status:
        conditions.append(plain(_actions.status) == filters.status)
    # A record's own short reference typed exactly: that record first, above its updates and evidence.
    named = [k.name for k in KINDS.values() if k.named_by_reference]
    exact = case((and_(func.lower(_entries.reference) == bindparam("exact", type_=String),
                       _entries.kind.in_(named)), 0), else_=1)
    if dialect == "postgresql":
        document, query = literal_column(f"({PG_DOCUMENT})"), _pg_query()
        stmt = select(*_RESULT).select_from(SearchEntry.__table__).where(document.op("@@")(query))
        order = (_entries.id.desc(),) if newest else (exact, func.ts_rank_cd(document, query).desc(), _entries.id)
    else:
        # The FTS5 table first and unaliased (MATCH names it): read in rowid order it streams, so the
        # newest page of a broad search stops after a page's rows.
        stmt = (select(*_RESULT).select_from(_FTS).join(SearchEntry.__table__, _entries.id == _FTS.c.rowid)
                .where(text("search_entries_fts MATCH :q")))
        order = (_FTS.c.rowid.desc(),) if newest else (exact, literal_column(_BM25), _entries.id)
        if prefilter is not None:
            # unary plus: FTS5 must not take the list as rowid lookups (a MATCH per id: far slower)
            stmt = stmt.where(_unindexed(_FTS.c.rowid).in_(prefilter))
    return (stmt.outerjoin(Action.__table__, _actions.id == _entries.action_id)
            .where(*conditions).order_by(*order))


def _unindexed(column_: ColumnElement) -> ColumnElement:
    """SQLite's unary plus: the column's index is not used for this filter. Otherwise the planner
    starts from the filter's index (a kind, a status: thousands of rows) and runs the FTS5 MATCH
    once per row (70 ms for a filtered search on the ten-year data, against 2 ms from the words)."""
    return UnaryExpression(column_, operator=operators.custom_op("+"), type_=column_.type)


_FTS = table("search_entries_fts", column("rowid"))
_BM25 = f"bm25(search_entries_fts, {FTS_WEIGHTS})"


@dataclass
class Found:
    """The statement listing a search's results in their order, its parameters, how many it lists
    (RANKED_AT_MOST at most) and whether they are ranked (else newest first)."""
    stmt: Select
    params: dict
    total: int
    ranked: bool


def found(user: User, filters: SearchFilters) -> Found:
    """The results of a search, best match first (newest first when there are too many to rank)."""
    dialect = _dialect()
    q = filters.q if dialect == "postgresql" else fts5_query(filters.q)
    if not filters.searching or not q:
        return Found(select(*_RESULT).where(false()), {}, 0, True)
    params = {"q": q, "exact": " ".join(filters.q.split()).lower()}
    prefilter = _prefilter(filters) if dialect == "sqlite" else None
    ranked = _matches(user, filters, dialect, newest=False, prefilter=prefilter)
    count = db.session.execute(select(func.count()).select_from(
        ranked.order_by(None).limit(RANKED_AT_MOST + 1).subquery()), params).scalar_one()
    if count > RANKED_AT_MOST:
        return Found(_matches(user, filters, dialect, newest=True, prefilter=prefilter), params, RANKED_AT_MOST, False)
    return Found(ranked, params, count, True)


def search(user: User, filters: SearchFilters, *, page: int, per_page: int) -> SearchResults:
    """One page of results, best match first (newest first when there are too many to rank), and
    how many there are (counted up to RANKED_AT_MOST)."""
    results = found(user, filters)
    return SearchResults(paginate(results.stmt, results.params, page=page, per_page=per_page, total=results.total),
                         results.ranked)


def all_results(user: User, filters: SearchFilters) -> list:
    """Every result of a search (RANKED_AT_MOST at most), in the results pages' order."""
    results = found(user, filters)
    if not results.total:
        return []
    return db.session.execute(results.stmt.limit(results.total), results.params).all()


def _pg_query() -> ColumnElement:
    return func.websearch_to_tsquery(literal_column("'english'::regconfig"), bindparam("q", type_=String))


def highlights(ids: list[int], filters: SearchFilters) -> dict[int, tuple[Markup, Markup]]:
    """The title with the words found marked, and a short extract of the text around them, for the
    entries of one page (already filtered by permission): one query."""
    if not ids or not filters.searching:
        return {}
    if _dialect() == "postgresql":
        rows = db.session.execute(_pg_highlights(), {"ids": ids, "q": filters.q})
    else:
        rows = db.session.execute(_FTS_HIGHLIGHTS, {"ids": ids, "q": fts5_query(filters.q)})
    return {row.id: (marked(row.title), marked(row.snippet)) for row in rows.all()}


def _pg_highlights() -> Select:
    marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
    english = literal_column("'english'::regconfig")
    return (select(_entries.id,
                   func.ts_headline(english, _entries.title, _pg_query(), f"{marks}, HighlightAll=true").label("title"),
                   func.ts_headline(english, _entries.body, _pg_query(),
                                    f"{marks}, MaxWords=30, MinWords=12, MaxFragments=2").label("snippet"))
            .where(_entries.id.in_(bindparam("ids", expanding=True))))


_FTS_HIGHLIGHTS = text(
    f"SELECT rowid AS id, highlight(search_entries_fts, 1, '{MARK_START}', '{MARK_END}') AS title, "
    f"snippet(search_entries_fts, 2, '{MARK_START}', '{MARK_END}', ' … ', 32) AS snippet "
    "FROM search_entries_fts WHERE search_entries_fts MATCH :q AND rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))
