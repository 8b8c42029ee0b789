"""The report's period: earlier reports with the same filters give "since the previous report" and
the ratings-over-time chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.actions.models import ALL_RATINGS
from tracker.reports.data.reading import read
from tracker.reports.data.scope import ReportScope
from tracker.reports.models import BoardReport, ReportStatus
from tracker.reviews.milestones import add_months


@dataclass(frozen=True)
class PastReport:
    as_at: date
    counts: dict[str, int]


@dataclass(frozen=True)
class ReportPeriod:
    """From the previous report with the same filters (or three months back) to the as-at date."""

    as_at: date
    start: date
    previous_report_date: date | None
    #: The rating counts of each earlier report with the same filters, oldest first.
    earlier: tuple[PastReport, ...]


def load_period(scope: ReportScope) -> ReportPeriod:
    """One query: the finished reports with the same filters dated before this one."""
    same = [BoardReport.status == ReportStatus.DONE, BoardReport.as_at_date < scope.as_at]
    for column, value in ((BoardReport.review_reference, scope.review_reference),
                          (BoardReport.agency_name, scope.agency_name), (BoardReport.theme_name, scope.theme_name)):
        same.append(column.is_(None) if value is None else column == value)
    past = read(
        select(BoardReport.as_at_date, BoardReport.rating_counts).where(*same)
        .order_by(BoardReport.as_at_date, BoardReport.id)).all()
    by_date: dict[date, dict[str, int]] = {}
    for as_at_date, counts in past:
        by_date[as_at_date] = {r: int((counts or {}).get(r, 0)) for r in ALL_RATINGS}
    previous = max(by_date) if by_date else None
    return ReportPeriod(as_at=scope.as_at, start=previous or add_months(scope.as_at, -3),
                        previous_report_date=previous,
                        earlier=tuple(PastReport(d, c) for d, c in sorted(by_date.items())))


def ratings_over_time(period: ReportPeriod, counts: dict[str, int]) -> list[PastReport]:
    """The earlier reports' counts and this report's, for the chart."""
    return [*period.earlier, PastReport(period.as_at, {r: counts[r] for r in ALL_RATINGS})]
