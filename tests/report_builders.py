"""Builders the board report's data tests share: the report's data as at a day (with the report
page's filters), and how many queries gathering it takes."""

from datetime import date

from sqlalchemy import event

from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.reports.data import build_report_data, resolve_scope
from tracker.settings import Settings


def data_at(day: date, **filters):
    return build_report_data(resolve_scope(day, **filters), Settings(), partnership="Test Partnership",
                             generated_by="Priya Shah", generated_at=utcnow())


def report_queries(day: date) -> int:
    """The statements one gathering of the report's data sends to the database."""
    count = [0]

    def listener(*args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        data_at(day)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return count[0]
