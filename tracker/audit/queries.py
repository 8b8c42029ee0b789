"""Reading the audit trail: the search and the compact lines the trail page shows for a change."""

import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from tracker.audit.models import AuditRecord
from tracker.core.clock import LONDON
from tracker.extensions import db
from tracker.users.services import like_pattern


def known_values(events: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The events (these, and any other found in the trail) and the record types the search offers."""
    found = set(db.session.scalars(select(AuditRecord.event).distinct()))
    types = sorted(t for t in db.session.scalars(select(AuditRecord.object_type).distinct()) if t)
    return sorted(set(events) | found), types


def _uk_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def audit_query(filters: dict) -> Select:
    """The trail matching the search, newest first. Dates are UK calendar days."""
    stmt = select(AuditRecord)
    if filters["actor"]:
        stmt = stmt.where(func.lower(AuditRecord.actor_label).like(like_pattern(filters["actor"]), escape="\\"))
    if filters["event"]:
        stmt = stmt.where(AuditRecord.event == filters["event"])
    if filters["object_type"]:
        stmt = stmt.where(AuditRecord.object_type == filters["object_type"])
    if filters["object_id"] is not None:
        stmt = stmt.where(AuditRecord.object_id == filters["object_id"])
    if filters["date_from"]:
        stmt = stmt.where(AuditRecord.at >= _uk_midnight_utc(filters["date_from"]))
    if filters["date_to"]:
        stmt = stmt.where(AuditRecord.at < _uk_midnight_utc(filters["date_to"] + timedelta(days=1)))
    return stmt.order_by(AuditRecord.at.desc(), AuditRecord.id.desc())


def _short(value, limit: int = 120) -> str:
    if value is None or value == "":
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_lines(changes: dict, event: str = "update") -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for display, values cut short; a created record shows only its new
    values and a deleted one only its old values (the other side is None)."""
    lines = []
    for field, pair in (changes or {}).items():
        old, new = (pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair))
        label = field.replace("_", " ")
        if event == "create":
            lines.append((label, None, _short(new)))
        elif event == "delete":
            lines.append((label, _short(old), None))
        else:
            lines.append((label, _short(old), _short(new)))
    return lines
