"""The reviews list as a spreadsheet, filtered and sorted as on the page, with the counts of the actions
the user may see by rating (the list's own columns): CSV and XLSX through tracker.core.spreadsheets."""

from collections.abc import Iterator
from datetime import date

from tracker.actions.models import RATED
from tracker.reviews.queries import ReviewFilters, all_review_lines, rating_counts_by_review
from tracker.settings import Settings
from tracker.users.models import User

#: Reviews whose rating counts are read in one grouped query.
BATCH = 500


def columns(settings: Settings) -> list[tuple[str, int]]:
    return [("Reference", 16), ("Title", 40), ("Type", 28), ("Status", 18), ("Published", 12),
            ("Closed by the board", 14)] + [(settings.label(rating), 10) for rating in RATED]


def export_rows(user: User, filters: ReviewFilters, day: date, settings: Settings) -> Iterator[list]:
    lines = all_review_lines(filters)
    for start in range(0, len(lines), BATCH):
        batch = lines[start:start + BATCH]
        counts = rating_counts_by_review(user, [line.id for line in batch], day, settings)
        for line in batch:
            yield ([line.reference, line.title, line.type_label, line.status_label, line.published_date,
                    line.closed_date] + [counts[line.id][rating] for rating in RATED])
