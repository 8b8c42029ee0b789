"""The audit trail: every insert, update and delete of a model is recorded after each flush,
with the signed-in user, their address and the old and new values. Events that change no row
(sign-in, failed sign-in, evidence download) are recorded with `log_event`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

import click
from flask import has_request_context, request
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from tracker.audit.models import AuditRecord
from tracker.core import lengths
from tracker.core.lengths import cut
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.users.current import signed_in_user

SKIP_TYPES = {"AuditRecord"}
#: The system job making the changes now, when no user is: a command such as import-review.
_JOB: ContextVar[str | None] = ContextVar("audit_system_job", default=None)


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__table__"):
        return getattr(value, "id", None)
    return value


@contextmanager
def as_system_job(name: str) -> Iterator[None]:
    """Changes made inside are recorded as made by the named system job ("system job: NAME"), not by
    a user: for commands that create records on nobody's behalf."""
    token = _JOB.set(name)
    try:
        yield
    finally:
        _JOB.reset(token)


def _actor(touched=()) -> tuple[int | None, str, str]:
    """Who acted: the signed-in person, or the system job. Every entry names one (issue 18): a
    request made before signing in names the account it touched (a sign-in, a password reset), else
    the page; a command names itself ("system job: flask send-reminders"); other work outside a
    request (a thread, a queue job without `as_system_job`) says so."""
    job = _JOB.get()
    if job:
        return None, f"system job: {job}", ""
    if has_request_context():
        addr = request.remote_addr or ""
        user = signed_in_user()
        if user is not None:
            return user.id, user.email, addr
        account = next((obj for obj in touched if type(obj).__name__ == "User"), None)
        if account is not None:
            return None, f"{account.email} (not signed in)", addr  # named, not proven: no actor_id
        return None, f"system job: web page {request.endpoint or request.path} (not signed in)", addr
    command = click.get_current_context(silent=True)
    if command is not None:
        return None, f"system job: {command.command_path}", ""
    return None, "system job: background work", ""



def _changes(obj, *, new: bool, deleted: bool) -> dict:
    state = inspect(obj)
    exclude = set(getattr(obj, "AUDIT_EXCLUDE", ()))
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in exclude:
            if not new and not deleted and state.attrs[key].history.has_changes():
                changes[key] = ["(changed)", "(changed)"]
            continue
        hist = state.attrs[key].history
        if new:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _plain(value)]
        elif deleted:
            changes[key] = [_plain(getattr(obj, key)), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            changes[key] = [_plain(old), _plain(hist.added[0] if hist.added else None)]
    for rel in state.mapper.relationships:
        if rel.secondary is None:
            continue
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            changes[rel.key] = [[_plain(o) for o in hist.deleted], [_plain(o) for o in hist.added]]
    return changes


def _after_flush(session: Session, flush_context) -> None:
    actor_id, label, addr = _actor((*session.new, *session.dirty))
    now = utcnow()
    rows = []
    for kind, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            name = type(obj).__name__
            if name in SKIP_TYPES or not hasattr(obj, "__table__"):
                continue
            changes = _changes(obj, new=kind == "create", deleted=kind == "delete")
            if kind == "update" and not changes:
                continue
            pk = inspect(obj).mapper.primary_key_from_instance(obj)
            rows.append({
                "at": now, "actor_id": actor_id, "actor_label": label, "remote_addr": addr,
                "event": kind, "object_type": name,
                "object_id": pk[0] if len(pk) == 1 and isinstance(pk[0], int) else None,
                "changes": changes, "summary": "" if len(pk) == 1 and isinstance(pk[0], int) else f"key {pk}",
            })
    if rows:
        session.connection().execute(insert(AuditRecord.__table__), rows)


def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditRecord):
            raise PermissionError("audit records cannot be changed or deleted")


def register(app) -> None:
    """Listen on every session once, however many apps the tests create."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_flush", _refuse_audit_changes)


def log_event(event_name: str, *, obj=None, summary: str = "", actor=None, changes: dict | None = None) -> None:
    """Record something that changes no row, e.g. a sign-in or a download."""
    actor_id, label, addr = _actor((obj,) if obj is not None else ())
    if actor is not None:
        actor_id, label = actor.id, actor.email
    db.session.add(AuditRecord(
        at=utcnow(), actor_id=actor_id, actor_label=label, remote_addr=addr, event=event_name,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None), changes=changes or {}, summary=cut(summary, lengths.SYSTEM_TEXT),
    ))


def record_bulk(rows: list[tuple[str, str, int, dict]]) -> None:
    """Audit records for rows written by one bulk statement, which the flush listener does not see:
    each (event, object type, object id, {column: [old, new]}), all in one insert."""
    if not rows:
        return
    actor_id, label, addr = _actor()
    now = utcnow()
    db.session.execute(insert(AuditRecord.__table__), [
        {"at": now, "actor_id": actor_id, "actor_label": label, "remote_addr": addr, "event": event_name,
         "object_type": object_type, "object_id": object_id,
         "changes": {key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()}, "summary": ""}
        for event_name, object_type, object_id, changes in rows])
