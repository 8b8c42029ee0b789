"""Any list of actions as a spreadsheet, exactly as filtered and sorted on the page and with the
same visibility: CSV, and XLSX written by openpyxl's write-only mode (rows go to a temporary file,
so 12,000 actions take a few megabytes, not the whole sheet in memory). Dates and numbers are typed
cells; the header row is frozen and has filters; no cell can run as a formula."""

import tempfile
from collections.abc import Callable, Iterator
from datetime import date

from tracker.actions.queries import ActionFilters, ActionLine, action_lines, actions_query, queue_ids
from tracker.actions.ratings import rate, rating_days
from tracker.core import spreadsheets
from tracker.core.clock import LONDON
from tracker.extensions import db
from tracker.settings import Settings
from tracker.users.models import User

#: Lines read per query: a bounded number of queries (12,000 actions: 25) and bounded memory.
BATCH = 500

COLUMNS: list[tuple[str, int, Callable]] = [  # (header, width in characters, value of (line, rating))
    ("Reference", 24, lambda a, r: a.short_reference),
    ("Action ID", 10, lambda a, r: a.id),
    ("Review", 16, lambda a, r: a.review.reference),
    ("Review title", 24, lambda a, r: a.review.title),
    ("Recommendation", 14, lambda a, r: a.recommendation.number),
    ("Action", 60, lambda a, r: a.description),
    ("Owner", 30, lambda a, r: a.owner_agency.name),
    ("Lead", 24, lambda a, r: a.lead.name if a.lead else ""),
    ("Due date", 12, lambda a, r: a.due_date),
    ("Status", 22, lambda a, r: a.status_label),
    ("Rating", 10, lambda a, r: r.label),
    ("Rating reason", 40, lambda a, r: r.reason),
    ("Opened", 12, lambda a, r: a.opened_date),
    ("Last update", 12, lambda a, r: a.last_update_date),
    ("Assured", 12, lambda a, r: a.assured_date),
    ("Completed late", 10, lambda a, r: "Yes" if a.completed_late else "No"),
]
HEADERS = [name for name, _, _ in COLUMNS]
WIDTHS = [(name, width) for name, width, _ in COLUMNS]
#: The assurance queue's export: the list's columns and when each action was submitted (UK time).
QUEUE_COLUMNS = COLUMNS + [
    ("Submitted", 18, lambda a, r: a.submitted_at.astimezone(LONDON).replace(tzinfo=None, microsecond=0)
     if a.submitted_at else None)]
QUEUE_WIDTHS = [(name, width) for name, width, _ in QUEUE_COLUMNS]


class _Rated:
    def __init__(self, result, settings: Settings):
        self.label, self.reason = settings.label(result.value), result.reason


def export_rows(user: User, filters: ActionFilters, day: date, settings: Settings) -> Iterator[list]:
    """The list's rows in its order, read in batches: the sorted ids once (narrow rows), then each
    batch's lines in one joined query."""
    return rows_of(db.session.scalars(actions_query(user, filters), rating_days(day, settings)).all(), day, settings)


def queue_rows(user: User, day: date, settings: Settings) -> Iterator[list]:
    """The assurance queue's rows, oldest submission first, as the page lists them."""
    return rows_of(db.session.scalars(queue_ids(user)).all(), day, settings, QUEUE_COLUMNS)


def rows_of(ids: list[int], day: date, settings: Settings, columns: list = COLUMNS) -> Iterator[list]:
    """The actions of `ids`, in that order, as rows of `columns`."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        lines: dict[int, ActionLine] = action_lines(batch)
        for action_id in batch:
            line = lines.get(action_id)
            if line is not None:
                rated = _Rated(rate(line, day, settings), settings)
                yield [get(line, rated) for _, _, get in columns]


def csv_chunks(rows: Iterator[list]) -> Iterator[bytes]:
    return spreadsheets.csv_chunks(HEADERS, rows)


def write_xlsx(rows: Iterator[list], out, *, title: str = "Actions") -> int:
    """The rows as an XLSX workbook written to the file `out`: the number of rows."""
    return spreadsheets.write_xlsx(WIDTHS, rows, out, title=title)


def xlsx_file(rows: Iterator[list]) -> tempfile.SpooledTemporaryFile:
    return spreadsheets.xlsx_file(WIDTHS, rows, title="Actions")
