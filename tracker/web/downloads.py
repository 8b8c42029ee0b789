"""One way to name a downloaded file: RFC 6266 `filename*` (UTF-8) for any Unicode name, with an ASCII
`filename` fallback for old clients. A header is Latin-1 on the wire, so a Polish, Welsh, Irish or
Arabic name written into `filename="..."` by hand fails as a server error."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO
from urllib.parse import quote

from flask import Response, abort, current_app, request, stream_with_context
from werkzeug.wsgi import wrap_file

from tracker.audit.services import log_event
from tracker.core import spreadsheets
from tracker.core.filenames import ascii_fallback, clean_filename
from tracker.extensions import db
from tracker.main.errors import error_page
from tracker.storage import NotStored, StorageError, open_verified

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: One column of an exported list: its header, its width in characters, and its value for one item.
Column = tuple[str, int, Callable[[Any], Any]]
#: Rows read from the database at a time by `each`.
BATCH = 500

def content_disposition(filename: str) -> str:
    """`attachment; filename="..."` alone when the name is plain ASCII, else with `filename*` too."""
    name = clean_filename(filename) or "download"
    fallback = ascii_fallback(name)
    if fallback == name:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(body, filename: str, mimetype: str, **headers: str) -> Response:
    """A download response: the body as an attachment under `filename`, never cached."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.setdefault("Cache-Control", "no-store, private")
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def stored_attachment(key: str, sha256: str | None, filename: str, mimetype: str, *, audit: Callable[[], None],
                      **headers: str) -> Response:
    """A file kept unchanged in the store (a board report, a pack) as a download: checked against its
    SHA-256 before any of it is sent (storage.open_verified: a damaged file is a server error, logged),
    then streamed from the verified copy. `audit` records the download, committed before the response;
    a file missing from the store is a 404 (logged), a store that does not answer the 503 page."""
    try:
        copy = open_verified(key, sha256)
    except NotStored:
        current_app.logger.error("Stored file missing: %s", key)
        abort(404)
    except StorageError as error:
        current_app.logger.error("Stored file %s unreadable: %s", key, error.message)
        return error_page("errors/503.html", 503)
    audit()
    db.session.commit()
    response = attachment(_chunks(copy.file), filename, mimetype, **headers)
    response.content_length = copy.size
    return response


def _chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's bytes, closing it when done: when the server closes the response, or when the
    generator is dropped (a client that never closes its response leaves no open file behind)."""
    with file:
        while block := file.read(size):
            yield block


def list_export(fmt: str, rows: Iterable[list], *, columns: list[tuple[str, int]], what: str, name: str) -> Response:
    """A list as CSV (streamed) or XLSX (written to a temporary file the response closes), every row as
    filtered and sorted on the page. An audit record first: a bulk download of case records is what an
    auditor most wants to see, with who, when and which filters."""
    asked = request.query_string.decode("utf-8", "replace")[:300]
    log_event("export", summary=f"{what} list exported as {fmt.upper()}" + (f" ({asked})" if asked else ""))
    db.session.commit()
    return spreadsheet(fmt, rows, columns=columns, title=what, name=name)


def spreadsheet(fmt: str, rows: Iterable[list], *, columns: list[tuple[str, int]], title: str, name: str) -> Response:
    """Rows as a CSV download (streamed) or an XLSX one (a sheet called `title`), with no audit record."""
    if fmt == "csv":
        return attachment(stream_with_context(spreadsheets.csv_chunks([h for h, _ in columns], rows)), name,
                          "text/csv")
    return attachment(wrap_file(request.environ, spreadsheets.xlsx_file(columns, rows, title=title)), name, XLSX_TYPE)


def item_rows(items: Iterable, columns: Sequence[Column]) -> Iterable[list]:
    """Each item as the row of its values in `columns`."""
    return ([value(item) for _, _, value in columns] for item in items)


def widths(columns: Sequence[Column]) -> list[tuple[str, int]]:
    return [(header, width) for header, width, _ in columns]


def export_items(fmt: str, items: Iterable, columns: Sequence[Column], *, what: str, name: str) -> Response:
    """`list_export` of a list read item by item through `columns` (header, width, value)."""
    return list_export(fmt, item_rows(items, columns), columns=widths(columns), what=what, name=name)


def each(stmt, params: dict | None = None) -> Iterator:
    """Every entity `stmt` selects, in its order, read `BATCH` at a time (its eager loads per batch):
    a list of any length in bounded memory and a bounded number of queries per thousand rows. The
    statement runs when the rows are first asked for, after `list_export` has committed its audit
    record: a PostgreSQL server-side cursor does not outlive the transaction it was opened in."""
    yield from db.session.scalars(stmt.execution_options(yield_per=BATCH), params or {})
