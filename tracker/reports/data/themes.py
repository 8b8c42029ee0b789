"""Recurring themes in the report: a theme counts for a review when the review or any of its
recommendations has it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from tracker.reports.data.actions import LIVE, ActionLine
from tracker.reports.data.reading import read
from tracker.reports.data.reviews import ReviewRecords
from tracker.reports.data.scope import InScope
from tracker.themes.models import Theme, recommendation_themes, review_themes


@dataclass(frozen=True)
class ThemeLine:
    name: str
    reviews: list[str]
    recommendations: int
    open_actions: int

    @property
    def recurring(self) -> bool:
        return len(self.reviews) > 1


def load_theme_links(selected: InScope) -> list:
    """One query: (theme name, recommendation id, None) and (theme name, None, review id) for the
    recommendations and reviews in scope."""
    return read(
        select(Theme.name, recommendation_themes.c.recommendation_id, None)
        .join(recommendation_themes, recommendation_themes.c.theme_id == Theme.id)
        .where(selected.has_recommendation(recommendation_themes.c.recommendation_id))
        .union_all(
            select(Theme.name, None, review_themes.c.review_id)
            .join(review_themes, review_themes.c.theme_id == Theme.id)
            .where(review_themes.c.review_id.in_(selected.reviews)))).all()


def theme_lines(links: list, records: ReviewRecords, actions: dict[int, list[ActionLine]]) -> list[ThemeLine]:
    """Themes by the number of reviews, then open actions, then name. `actions`: each recommendation's
    action lines."""
    theme_reviews: dict[str, set[str]] = defaultdict(set)
    theme_recs: dict[str, set[int]] = defaultdict(set)
    theme_actions: dict[str, set[int]] = defaultdict(set)
    # each recommendation's and each review's open actions and reference, worked out once rather than
    # once per theme (a review's open actions from its recommendations')
    open_by_rec = {rec_id: [line.id for line in lines if line.status in LIVE] for rec_id, lines in actions.items()}
    open_by_review: dict[int, list[int]] = defaultdict(list)
    review_reference = {review_id: review.reference for review_id, review in records.reviews.items()}
    rec_review: dict[int, str] = {}
    for rec_id, rec in records.recommendations.items():
        open_by_review[rec.review_id].extend(open_by_rec.get(rec_id, ()))
        rec_review[rec_id] = review_reference[rec.review_id]
    for name, rec_id, review_id in links:
        if rec_id is not None:
            reference = rec_review.get(rec_id)
            if reference is None:
                continue
            theme_recs[name].add(rec_id)
            opened = open_by_rec.get(rec_id, ())
        elif review_id in review_reference:
            reference, opened = review_reference[review_id], open_by_review.get(review_id, ())
        else:
            continue
        theme_reviews[name].add(reference)
        theme_actions[name].update(opened)
    themes = [ThemeLine(name, sorted(theme_reviews[name]), len(theme_recs[name]), len(theme_actions[name]))
              for name in theme_reviews]
    themes.sort(key=lambda t: (-len(t.reviews), -t.open_actions, t.name))
    return themes
