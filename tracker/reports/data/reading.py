"""How the report's statements are run: as Core statements on the session's connection; and how the
biggest results are read: as the database driver gives them, the caller converting what it uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Result, Select

from tracker.extensions import db


def read(query: Select) -> Result:
    """The rows of `query` (plain columns, never ORM objects), run on the session's connection: in its
    transaction, so it sees what the session sees, but without the ORM's work per row (its loading
    step), 0.03 s of the 0.19 s the ten-year report's actions took to read. Pending changes are
    flushed first, as `Session.execute` would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(query)


def driver_rows(query: Select) -> Iterator[tuple]:
    """The rows of `query` as the database driver gives them: run as `read` runs it (the same compiled
    statement and parameters, and the same events: it counts as a query like any other), but the rows
    taken from the result's DBAPI cursor itself (`CursorResult.cursor`; the result, run without
    options, has read none of them), plain tuples, without SQLAlchemy's work per row (a row object,
    each column's type processor, a Python call to fetch each row). For the report's biggest results,
    twelve thousand actions, eighteen thousand evidence records and forty thousand measurements, that
    work added a quarter to two thirds to the time of the statements themselves. The result is closed
    here once the rows are read, since SQLAlchemy never sees them end.

    What comes back differs by database, and the caller converts it: SQLite gives dates and timestamps
    as text (UTC timestamps without their zone), PostgreSQL dates and aware datetimes; both give
    enumerations as their stored values and booleans as something true or false (SQLite 1 or 0).
    `StoredDays` and `history.utc_moment` make them what the column types would have made them."""
    result = read(query)
    try:
        yield from result.cursor
    finally:
        result.close()


#: A named tuple made from a tuple of its fields in order, in C: `NamedTupleClass(...)` runs a Python
#: `__new__` that takes each field by name or position (and `_make` a Python check of the length),
#: twice the time, and a report makes some sixty thousand of them: `make_tuple(NamedTupleClass, fields)`.
make_tuple = tuple.__new__


class StoredDays(dict):
    """Days as the database driver gives them (SQLite's "YYYY-MM-DD" text, PostgreSQL's dates; None),
    each made a date once: `days[stored]` is a lookup in C, cheaper than the date type's processor
    per row, and a report's twelve thousand actions share a few thousand dates. One per gathering."""

    def __missing__(self, stored):
        day = self[stored] = date.fromisoformat(stored) if isinstance(stored, str) else stored
        return day
