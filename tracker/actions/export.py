"""Any list of actions as a spreadsheet, exactly as filtered and sorted on the page and with the
same visibility: CSV, and XLSX written by openpyxl's write-only mode (rows go to a temporary file,
so 12,000 actions take a few megabytes, not the whole sheet in memory). Dates and numbers are typed
cells; the header row is frozen and has filters; no cell can run as a formula."""

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tracker.actions.queries import ActionFilters, ActionLine, action_lines, actions_query
from tracker.actions.ratings import rate, rating_days
from tracker.extensions import db
from tracker.settings import Settings
from tracker.spreadsheets import neutralise, xlsx_value
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


class _Rated:
    def __init__(self, result, settings: Settings):
        self.label, self.reason = settings.label(result.value), result.reason


def export_rows(user: User, filters: ActionFilters, day: date, settings: Settings) -> Iterator[list]:
    """The list's rows in its order, read in batches: the sorted ids once (narrow rows), then each
    batch's lines in one joined query."""
    days = rating_days(day, settings)
    ids = db.session.scalars(actions_query(user, filters), days).all()
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        lines: dict[int, ActionLine] = action_lines(batch)
        for action_id in batch:
            line = lines.get(action_id)
            if line is not None:
                rated = _Rated(rate(line, day, settings), settings)
                yield [get(line, rated) for _, _, get in COLUMNS]


def csv_chunks(rows: Iterator[list]) -> Iterator[bytes]:
    """CSV as it is written, a batch of rows at a time (a BOM first, so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(v) for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterator[list], out, *, title: str = "Actions") -> int:
    """The rows as an XLSX workbook written to the file `out`: the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, (_, width, _) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(HEADERS)
    count = 0
    for row in rows:
        sheet.append([xlsx_value(v) for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    book.save(out)
    return count


def xlsx_file(rows: Iterator[list]) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (in memory up to 8 MB, then on disk), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_xlsx(rows, out)
    out.seek(0)
    return out
