"""What search finds, and how the index keeps up with every write.

A kind of record becomes searchable by one `register(SearchKind(...))`: its name, the model whose
writes refresh it, and one SQL statement giving, per record, the text searched (reference, title,
body) and its permission scope (the action it belongs to, whose visibility it shares; None when
everyone who reads reviews may find it). The same statement fills the index in bulk
(`rebuild`) and refreshes the few records a flush wrote (the session listener below), so the two
can never disagree. Deletions need nothing: the entries go with their review or action by foreign
key, and a deleted record's refresh finds no row to insert. A record withdrawn as a mistake
(tracker/withdrawals) is a write like any other: its statement no longer yields it, so it leaves."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, String, cast, delete, event, insert, inspect, literal, null, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tracker.actions.models import Action, ProgressUpdate
from tracker.comments.models import Comment
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.search.models import SearchEntry

#: The columns every kind's statement selects, in this order.
ENTRY_COLUMNS = ("object_id", "review_id", "action_id", "reference", "title", "body", "entry_date")


@dataclass(frozen=True)
class SearchKind:
    name: str  # stored in search_entries.kind, and the value of the kind filter
    label: str  # "Action", "Progress update": what a result and the filter say
    model: type  # the mapped class whose inserts, updates and deletes refresh its entries
    rows: Select  # ENTRY_COLUMNS, one row per record
    object_column: ColumnElement  # the record's id in `rows`: refresh these records
    review_column: ColumnElement  # the review's id in `rows`: refresh a whole review
    link: tuple[str, str, str]  # (endpoint, its URL argument, the entry column giving the value)
    #: The reference is this record's own (not its action's): typing it exactly lists it first.
    named_by_reference: bool = False


KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> None:
    KINDS[kind.name] = kind


_review, _rec, _action = Review.__table__.c, Recommendation.__table__.c, Action.__table__.c
_update, _evidence, _comment = ProgressUpdate.__table__.c, Evidence.__table__.c, Comment.__table__.c
_NO_DATE = null()


def _rec_reference() -> ColumnElement:
    """recommendation_reference() in SQL: a test keeps the two in agreement."""
    return _review.reference + literal(" R") + _rec.number


def _action_reference() -> ColumnElement:
    """action_reference() in SQL: a test keeps the two in agreement."""
    return _rec_reference() + literal(" A") + cast(_action.id, String)


def _action_rows(*columns) -> Select:
    return (select(*columns).join_from(Action.__table__, Review.__table__, _review.id == _action.review_id)
            .join(Recommendation.__table__, _rec.id == _action.recommendation_id))


register(SearchKind(
    "review", "Review", Review,
    select(_review.id, _review.id, null(), _review.reference, _review.reference + literal(": ") + _review.title,
           _review.summary, _NO_DATE),
    _review.id, _review.id, ("reviews.show", "review_id", "object_id"), named_by_reference=True))
register(SearchKind(
    "recommendation", "Recommendation", Recommendation,
    select(_rec.id, _rec.review_id, null(), _rec_reference(), literal("Recommendation ") + _rec.number, _rec.text,
           _NO_DATE).join_from(Recommendation.__table__, Review.__table__, _review.id == _rec.review_id),
    _rec.id, _rec.review_id, ("recommendations.show", "recommendation_id", "object_id"), named_by_reference=True))
register(SearchKind(
    "action", "Action", Action,
    _action_rows(_action.id, _action.review_id, _action.id, _action_reference(), _action.description,
                 _action.success_measure, _NO_DATE),
    _action.id, _action.review_id, ("actions.show", "action_id", "action_id"), named_by_reference=True))
register(SearchKind(
    "update", "Progress update", ProgressUpdate,
    # No title: "progress update" in every update's text would make those words match 60,000 entries.
    _action_rows(_update.id, _action.review_id, _action.id, _action_reference(), literal(""),
                 _update.narrative, _update.update_date).join(ProgressUpdate.__table__, _update.action_id == _action.id)
    .where(_update.withdrawn_at.is_(None)),  # withdrawn as a mistake: off the current pages, so off search
    _update.id, _action.review_id, ("actions.show", "action_id", "action_id")))
register(SearchKind(
    "evidence", "Evidence", Evidence,
    _action_rows(_evidence.id, _action.review_id, _action.id, _action_reference(), _evidence.title,
                 _evidence.description, _evidence.effective_date)
    .join(Evidence.__table__, _evidence.action_id == _action.id).where(_evidence.withdrawn_at.is_(None)),
    _evidence.id, _action.review_id, ("actions.show", "action_id", "action_id")))
register(SearchKind(
    # Comments are read on the action's timeline by whoever may see the action: the same scope.
    "comment", "Comment", Comment,
    _action_rows(_comment.id, _action.review_id, _action.id, _action_reference(), literal(""),
                 _comment.text, _NO_DATE)
    .join(Comment.__table__, _comment.action_id == _action.id).where(_comment.withdrawn_at.is_(None)),
    _comment.id, _action.review_id, ("timeline.show", "action_id", "action_id")))


_entries = SearchEntry.__table__.c


def refresh(connection: Connection, kind: SearchKind, *, ids: Iterable[int] = (),
            review_ids: Iterable[int] = ()) -> None:
    """Write again the entries of these records (or of every record of these reviews) from the
    kind's statement: a deleted record's entry goes and is not written again."""
    ids, review_ids = sorted(set(ids)), sorted(set(review_ids))
    table = SearchEntry.__table__
    if ids:
        connection.execute(delete(table).where(_entries.kind == kind.name, _entries.object_id.in_(ids)))
        connection.execute(_insert(kind, kind.object_column.in_(ids)))
    if review_ids:
        connection.execute(delete(table).where(_entries.kind == kind.name, _entries.review_id.in_(review_ids)))
        connection.execute(_insert(kind, kind.review_column.in_(review_ids)))


def _insert(kind: SearchKind, condition: ColumnElement):
    rows = kind.rows.where(condition).add_columns(literal(kind.name))
    return insert(SearchEntry.__table__).from_select([*ENTRY_COLUMNS, "kind"], rows)


def rebuild(connection: Connection) -> int:
    """Every entry written again from the records (after a bulk load that bypassed the session, or
    to repair the index): the number of entries."""
    connection.execute(delete(SearchEntry.__table__))
    for kind in KINDS.values():
        connection.execute(insert(SearchEntry.__table__).from_select(
            [*ENTRY_COLUMNS, "kind"], kind.rows.add_columns(literal(kind.name))))
    return connection.execute(select(db.func.count()).select_from(SearchEntry.__table__)).scalar_one()


#: Changing these renames every entry below the record (their short references change).
_RENAMING = {Review: ("reference",), Recommendation: ("number",), Action: ("recommendation_id", "review_id")}


def _changed(obj, keys: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def _after_flush(session: Session, flush_context) -> None:
    ids: dict[str, set[int]] = defaultdict(set)
    review_ids: set[int] = set()
    by_model = {kind.model: kind for kind in KINDS.values()}
    for group, new in ((session.new, True), (session.dirty, False), (session.deleted, True)):
        for obj in group:
            kind = by_model.get(type(obj))
            if kind is None or (not new and not session.is_modified(obj, include_collections=False)):
                continue
            (object_id,) = inspect(obj).mapper.primary_key_from_instance(obj)
            if object_id is None:
                continue
            ids[kind.name].add(object_id)
            keys = _RENAMING.get(type(obj))
            if keys and not new and _changed(obj, keys):
                review_ids.update(_review_ids(obj))
    if not ids and not review_ids:
        return
    connection = session.connection()
    for kind in KINDS.values():
        refresh(connection, kind, ids=ids.get(kind.name, ()), review_ids=review_ids)


def _review_ids(obj) -> set[int]:
    """The review the record is in, before and after this flush (an action may move)."""
    if isinstance(obj, Review):
        return {obj.id}
    history = inspect(obj).attrs.review_id.history
    return {i for i in (*history.deleted, *history.unchanged, *history.added) if i is not None}


def register_listener() -> None:
    """Listen on every session once, however many apps the tests create."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
