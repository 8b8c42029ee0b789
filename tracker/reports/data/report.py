"""Everything a board report prints, gathered section by section in a fixed number of queries."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

from tracker.actions.models import ALL_RATINGS, RATED
from tracker.reports.data.actions import (
    ActionLine,
    CountRow,
    DueMoveLine,
    action_facts,
    action_lists,
    count_ratings,
    count_rows,
    rate_actions,
)
from tracker.reports.data.archive import PastReport, load_period, ratings_over_time
from tracker.reports.data.history import load_report_history
from tracker.reports.data.impact import ImpactSection, load_impact
from tracker.reports.data.reviews import (
    LateMilestoneLine,
    ReviewSection,
    UnansweredRecommendation,
    late_milestones,
    load_reviews,
    recommendation_sections,
    review_sections,
)
from tracker.reports.data.scope import ReportScope, in_scope
from tracker.reports.data.scrutiny import (
    ChallengeLine,
    RoundSummary,
    latest_round,
    open_challenges,
)
from tracker.reports.data.themes import ThemeLine, load_theme_links, theme_lines
from tracker.settings import Settings


@dataclass
class ReportData:
    scope: ReportScope
    partnership: str
    generated_by: str
    generated_at: datetime
    period_start: date
    previous_report_date: date | None
    labels: dict[str, str]
    definitions: dict[str, str]
    actions: list[ActionLine]
    counts: dict[str, int]
    by_agency: list[CountRow]
    by_review: list[CountRow]
    newly_overdue: list[ActionLine]
    newly_assured: list[ActionLine]
    due_dates_moved: list[DueMoveLine]
    overdue: list[ActionLine]
    red_and_amber: list[ActionLine]
    awaiting_assurance: list[ActionLine]
    unanswered: list[UnansweredRecommendation]
    late_milestones: list[LateMilestoneLine]
    open_challenges: list[ChallengeLine]
    reviews: list[ReviewSection]
    themes: list[ThemeLine]
    open_actions: list[ActionLine]
    history: list[PastReport]
    latest_round: RoundSummary | None = None
    #: What changed in practice, as measured: the report leads with it (tracker/reports/data/impact.py).
    impact: ImpactSection | None = None

    @property
    def as_at(self) -> date:
        return self.scope.as_at

    @property
    def title(self) -> str:
        return "Board assurance report"

    @property
    def rated_total(self) -> int:
        return sum(self.counts[r] for r in RATED)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a block that makes many objects and no cycles.

    On the ten-year data the gathering makes about half a million objects that all live until the
    report is rendered; at the default thresholds the collector walked the whole heap three or four
    times while they were made, 0.6 to 1.0 s of a 2.3 s gathering, and freed nothing. A block that
    starts while the collector is already paused (a nested or concurrent one) leaves it to that block.

    Enabled again, the collector would walk them all at once: the objects made while it was paused
    still count as young, and the first allocation after the block set off a collection of them (0.05 s
    on the ten-year data, up to 0.3 s when it reached the older generations). So they are moved to the
    oldest generation first, untraversed: they are freed by reference counting when the report is done,
    and walked only in the rare full collections meanwhile."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        _promote_young_objects()
        gc.enable()


def _promote_young_objects() -> None:
    """The young generations moved into the oldest without being walked (`gc.freeze` moves every
    tracked object to the permanent generation and zeroes the young count; `gc.unfreeze` moves them all
    back to the oldest). Other threads' young objects go with them: any cycles among those wait for the
    next full collection. Skipped where something froze objects on purpose (the PDF worker does): there
    the unfreeze would undo it."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def build_report_data(scope: ReportScope, settings: Settings, *, partnership: str, generated_by: str,
                      generated_at: datetime) -> ReportData:
    """Everything the report prints, in a fixed number of queries whatever the size of the data."""
    with collector_paused():
        return _gather(scope, settings, partnership=partnership, generated_by=generated_by,
                       generated_at=generated_at)


def _gather(scope: ReportScope, settings: Settings, *, partnership: str, generated_by: str,
            generated_at: datetime) -> ReportData:
    selected = in_scope(scope)
    period = load_period(scope)                                         # 1 query
    records = load_reviews(selected, scope.as_at)                       # 3
    history = load_report_history(selected, period.start, scope.as_at, action_facts)  # 3
    theme_links = load_theme_links(selected)                            # 1
    challenges = open_challenges(scope, selected)                       # 1
    update_round = latest_round(selected, scope.as_at)                  # 1
    impact = load_impact(selected, period.start, scope.as_at)           # 4

    rated = rate_actions(history, records.placement, period, settings)
    lists = action_lists(rated, period)
    sections = recommendation_sections(records, rated.by_recommendation, scope.as_at)
    reviews = review_sections(records, sections, settings, scope.as_at)
    counts = count_ratings(rated.lines)
    return ReportData(
        scope=scope, partnership=partnership, generated_by=generated_by, generated_at=generated_at,
        period_start=period.start,
        previous_report_date=period.previous_report_date,
        labels={r: settings.label(r) for r in ALL_RATINGS}, definitions=dict(settings.definitions),
        actions=rated.lines, counts=counts, by_agency=count_rows(rated.lines, attrgetter("owner")),
        by_review=count_rows(rated.lines, attrgetter("review_reference")),
        newly_overdue=lists.newly_overdue, newly_assured=lists.newly_assured, due_dates_moved=lists.due_dates_moved,
        overdue=lists.overdue, red_and_amber=lists.red_and_amber, awaiting_assurance=lists.awaiting_assurance,
        unanswered=sections.unanswered, late_milestones=late_milestones(reviews, period),
        open_challenges=challenges, reviews=reviews,
        themes=theme_lines(theme_links, records, rated.by_recommendation),
        open_actions=lists.open_actions, history=ratings_over_time(period, counts), latest_round=update_round,
        impact=impact,
    )
