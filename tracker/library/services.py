"""The library of reviews published elsewhere: loading the national listing (idempotent, by a
natural key), the keyword -> theme mapping, and what a local review has in common with them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.actions.models import LIVE_STATUSES, Action, ActionStatus
from tracker.actions.queries import status_off_index
from tracker.extensions import db
from tracker.library.listing import ListingEntry, keyword_key, keyword_names
from tracker.library.models import LibraryReview, library_review_themes
from tracker.reviews.models import Review
from tracker.themes.models import Theme, ThemeAlias, recommendation_themes
from tracker.users.models import User

#: A keyword becomes a theme when at least this many published reviews use it: a theme is there to
#: show learning that recurs, and a keyword only one review uses (often a typo or a one-off word such
#: as "pets") would bury the recurring ones in a list of 380. Every keyword stays on its entry and in
#: the search index.
THEME_MIN_ENTRIES = 2
#: "Recently assured" for the note that a learning was made before: within the last year.
RECENT_ASSURANCE_DAYS = 365


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    themes_created: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def theme_lookup() -> dict[str, Theme]:
    """Keyword key -> theme, from the themes' names and their aliases (an alias wins: it records
    an administrator's merge or rename)."""
    lookup = {keyword_key(t.name): t for t in db.session.scalars(select(Theme))}
    for alias, theme in db.session.execute(select(ThemeAlias, Theme).join(Theme, Theme.id == ThemeAlias.theme_id)):
        lookup[alias.key] = theme
    return lookup


def _theme_name(keyword: str) -> str:
    return (keyword[:1].upper() + keyword[1:])[:120]


def import_listing(entries: list[ListingEntry], *, progress: Callable[[Iterable], Iterable] | None = None
                   ) -> ImportResult:
    """Create or update one library entry per listing entry (matched by natural key, so a second
    run changes nothing), make a theme of each keyword that THEME_MIN_ENTRIES entries use, and link
    each entry to the themes of its keywords. Flushes; the caller commits."""
    result = ImportResult()
    lookup = theme_lookup()
    for key, (name, count) in keyword_names(entries).items():
        if count >= THEME_MIN_ENTRIES and key not in lookup:
            theme = Theme(name=_theme_name(name), description="")
            db.session.add(theme)
            lookup[key] = theme
            result.themes_created += 1
    db.session.flush()

    existing = {r.natural_key: r for r in db.session.scalars(
        select(LibraryReview).options(selectinload(LibraryReview.themes)))}
    for position, entry in enumerate(progress(entries) if progress else entries):
        themes = []
        for word in entry.keywords:
            theme = lookup.get(keyword_key(word))
            if theme is not None and theme not in themes:
                themes.append(theme)
        values = {"year": entry.year, "area": entry.area[:200], "title": entry.title[:300], "summary": entry.summary,
                  "learning": entry.learning, "recommendations": entry.recommendations,
                  "keywords": ", ".join(entry.keywords), "position": position}
        row = existing.get(entry.natural_key)
        if row is None:
            row = LibraryReview(natural_key=entry.natural_key, **values)
            row.themes = themes
            db.session.add(row)
            existing[entry.natural_key] = row
            result.created += 1
            continue
        changed = any(getattr(row, k) != v for k, v in values.items())
        if changed:
            for k, v in values.items():
                setattr(row, k, v)
        if {t.id for t in row.themes} != {t.id for t in themes}:
            row.themes = themes
            changed = True
        result.updated += changed
        result.unchanged += not changed
    db.session.flush()
    return result


# --- What a local review shares with the library and with earlier local reviews ------------------


def review_theme_ids(review: Review) -> set[int]:
    """The themes of the review and of its recommendations (already loaded by the review page)."""
    ids = {t.id for t in review.themes}
    for rec in review.recommendations:
        ids.update(t.id for t in rec.themes)
    return ids


@dataclass
class SimilarEntry:
    entry: LibraryReview
    shared_themes: list[str]


def similar_library_entries(theme_ids: set[int], limit: int = 5) -> list[SimilarEntry]:
    """Published reviews elsewhere that share the most themes with a local review, newest first
    among equals: two queries whatever the size of the library."""
    if not theme_ids:
        return []
    shared = func.count(library_review_themes.c.theme_id)
    rows = db.session.execute(
        select(library_review_themes.c.library_review_id.label("id"), shared)
        .where(library_review_themes.c.theme_id.in_(theme_ids))
        .join(LibraryReview, LibraryReview.id == library_review_themes.c.library_review_id)
        .group_by(library_review_themes.c.library_review_id, LibraryReview.year, LibraryReview.position)
        .order_by(shared.desc(), LibraryReview.year.desc(), LibraryReview.position)
        .limit(limit)).all()
    ids = [r.id for r in rows]
    if not ids:
        return []
    entries = {e.id: e for e in db.session.scalars(
        select(LibraryReview).where(LibraryReview.id.in_(ids)).options(selectinload(LibraryReview.themes)))}
    return [SimilarEntry(entries[i], [t.name for t in entries[i].themes if t.id in theme_ids]) for i in ids]


#: Notes shown under one recommendation; the rest are counted ("and 12 other reviews").
EARLIER_SHOWN = 3


@dataclass
class EarlierLearning:
    """Actions of another review that carry a theme of one of this review's recommendations."""

    recommendation_id: int
    review_id: int
    review_title: str
    review_year: int | None
    open_actions: int
    recently_assured: int
    themes: list[str]
    #: On the last note shown: how many more reviews made the same learning.
    more_reviews: int = 0


class _Earlier(NamedTuple):
    """One other review's note under a recommendation, in the order the notes are shown."""
    year: int
    title: str
    review_id: int
    open_actions: int
    recently_assured: int


def _review_year(review) -> int | None:
    for value in (review.published_date, review.board_signoff_date, review.commissioned_date,
                  review.notification_date, review.incident_date):
        if value is not None:
            return value.year
    return None


def earlier_learning(review: Review, user: User, today: date) -> dict[int, list[EarlierLearning]]:
    """For each recommendation of the review, the other reviews whose actions (those the user may
    see) follow a recommendation that carries one of its themes and are still open or were assured in
    the last RECENT_ASSURANCE_DAYS: "this learning was also made in Child P (2016): 2 actions still
    open". The oldest EARLIER_SHOWN reviews per recommendation, the rest counted. Three queries,
    straight joins from the recommendation's themes (indexed) to the other recommendations and
    their actions, so the work follows the themes, not the size of the tracker."""
    rec_ids = [r.id for r in review.recommendations]
    if not rec_ids:
        return {}
    since = today - timedelta(days=RECENT_ASSURANCE_DAYS)
    # Off the status index: starting from every open action in the tracker instead of from this
    # review's few themes took SQLite ten times as long.
    status = status_off_index()
    live = and_(permissions.visible_actions_filter(user), Action.review_id != review.id,
                status.in_(LIVE_STATUSES) | ((status == ActionStatus.ASSURED) & (Action.assured_date >= since)))
    # Through the other recommendations' own themes, not their reviews': a review tagged "Neglect"
    # as a whole would otherwise claim every one of its actions as the same learning.
    mine = recommendation_themes.alias("mine")
    theirs = recommendation_themes.alias("theirs")

    def joined(*columns):
        return (select(*columns)
                .select_from(mine)
                .join(theirs, theirs.c.theme_id == mine.c.theme_id)
                .join(Action, Action.recommendation_id == theirs.c.recommendation_id)
                .where(mine.c.recommendation_id.in_(rec_ids), live))

    is_open = case((Action.status.in_(LIVE_STATUSES), Action.id), else_=literal(None))
    is_assured = case((Action.status == ActionStatus.ASSURED, Action.id), else_=literal(None))
    rows = db.session.execute(
        joined(mine.c.recommendation_id, Action.review_id, func.count(func.distinct(is_open)),
               func.count(func.distinct(is_assured)))
        .group_by(mine.c.recommendation_id, Action.review_id)).all()
    if not rows:
        return {}
    reviews = {r.id: r for r in db.session.execute(
        select(Review.id, Review.title, Review.published_date, Review.board_signoff_date, Review.commissioned_date,
               Review.notification_date, Review.incident_date).where(Review.id.in_({r.review_id for r in rows})))}
    grouped: dict[int, list] = {}
    for rec_id, review_id, open_n, assured_n in rows:
        other = reviews[review_id]
        grouped.setdefault(rec_id, []).append(_Earlier(_review_year(other) or 0, other.title, review_id, open_n,
                                                       assured_n))
    shown: dict[int, list] = {}
    for rec_id, notes in grouped.items():
        notes.sort()
        shown[rec_id] = notes[:EARLIER_SHOWN]
    pairs = {(rec_id, note.review_id) for rec_id, notes in shown.items() for note in notes}
    names: dict[tuple[int, int], list[str]] = {}
    for rec_id, review_id, name in db.session.execute(
            joined(mine.c.recommendation_id, Action.review_id, Theme.name).distinct()
            .join(Theme, Theme.id == mine.c.theme_id)
            .where(Action.review_id.in_({review_id for _, review_id in pairs}))):
        if (rec_id, review_id) in pairs:
            names.setdefault((rec_id, review_id), []).append(name)
    out: dict[int, list[EarlierLearning]] = {}
    for rec_id, notes in shown.items():
        out[rec_id] = [EarlierLearning(
            recommendation_id=rec_id, review_id=review_id, review_title=title, review_year=year or None,
            open_actions=open_n, recently_assured=assured_n, themes=sorted(names.get((rec_id, review_id), [])))
            for year, title, review_id, open_n, assured_n in notes]
        out[rec_id][-1].more_reviews = len(grouped[rec_id]) - len(notes)
    return out


def library_theme_counts(theme_ids: list[int]) -> dict[int, int]:
    if not theme_ids:
        return {}
    return dict(db.session.execute(
        select(library_review_themes.c.theme_id, func.count())
        .where(library_review_themes.c.theme_id.in_(theme_ids)).group_by(library_review_themes.c.theme_id)).all())


def theme_library_query(theme: Theme):
    return (select(LibraryReview).join(library_review_themes)
            .where(library_review_themes.c.theme_id == theme.id)
            .order_by(LibraryReview.year.desc(), LibraryReview.position))


