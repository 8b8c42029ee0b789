"""Lists as spreadsheets, and cells that a spreadsheet must never run: text starting with = + - @ (or a
tab or carriage return) is read by Excel and LibreOffice as a formula, so an exported narrative could
execute something. Every CSV and XLSX export writes its cells through these.

The writers take the columns as (header, width in characters) and the rows as an iterator: CSV goes out
a batch of rows at a time, XLSX is written by openpyxl's write-only mode into a temporary file (in
memory up to 8 MB, then on disk), with typed dates and numbers, a frozen header and filters."""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tracker.core.clock import LONDON

#: Rows written between the CSV chunks sent to the client.
CSV_CHUNK_ROWS = 500

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def local_time(value):
    """A moment (an aware datetime) as the UK clock showed it, to the second and without a zone, which
    is what a spreadsheet cell can hold; any other value as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(LONDON).replace(tzinfo=None, microsecond=0)
    return value


def neutralise(value) -> str:
    """A CSV cell as text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    value = local_time(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    else:
        text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_value(value):
    """An XLSX cell's value: dates and numbers as they are (typed cells), text that would read as a
    formula with the same leading apostrophe as the CSV (openpyxl writes text starting with = as a
    formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return local_time(value)


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as it is written, a batch of rows at a time (a BOM first, so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(v) for v in row])
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


#: A sheet's name is at most 31 characters, none of them one of these.
SHEET_TITLE_MAX, SHEET_TITLE_BAD = 31, re.compile(r"[\\/*?:\[\]]")


def sheet_title(title: str) -> str:
    """`title` as a sheet's name that Excel accepts: without \\ / * ? : [ ], cut to 31 characters."""
    return " ".join(SHEET_TITLE_BAD.sub(" ", title).split())[:SHEET_TITLE_MAX].strip() or "Sheet"


def write_xlsx(columns: list[tuple[str, int]], rows: Iterable[list], out, *, title: str) -> int:
    """The rows as an XLSX workbook written to the file `out`: the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    for index, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([header for header, _ in columns])
    count = 0
    for row in rows:
        sheet.append([xlsx_value(v) for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    book.save(out)
    return count


def xlsx_file(columns: list[tuple[str, int]], rows: Iterable[list], *, title: str) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file, rewound for reading (the response closes it)."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    try:
        write_xlsx(columns, rows, out, title=title)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
