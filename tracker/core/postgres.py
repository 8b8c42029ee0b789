"""PostgreSQL connections that keep their prepared statements from one request to the next.

psycopg prepares a statement on the server once a connection has run it five times, and PostgreSQL
then skips parsing it and, once it settles on a generic plan, planning it. But psycopg forgets every
prepared statement on ROLLBACK, and every request ends in one (the session closes its transaction by
rolling it back), so no statement ever reached its fifth run: PostgreSQL parsed and planned each
statement of every page again. The planning alone was 0.7 ms of the actions list's rows query.

A transaction that has run nothing but SELECTs ends the same way whether it is committed or rolled
back, so such a transaction is committed instead, and the statements stay prepared. A transaction
that ran anything else (an INSERT, an UPDATE, a SAVEPOINT, DDL...) or whose last statement failed is
rolled back as before."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Engine, event

#: The DBAPI connections whose current transaction has run a statement other than a SELECT.
_written: weakref.WeakSet = weakref.WeakSet()


def keep_prepared_statements(engine: Engine) -> None:
    """Commit, rather than roll back, the read-only transactions of this PostgreSQL engine."""
    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, _cursor, statement: str, *_args: Any) -> None:
        if not _reads_only(statement):
            _written.add(conn.connection.dbapi_connection)

    def do_rollback(dbapi_connection) -> None:
        raw = _raw(dbapi_connection)
        if raw in _written or not _in_clean_transaction(raw):
            _written.discard(raw)
            rollback(dbapi_connection)
        else:
            commit(dbapi_connection)

    def do_commit(dbapi_connection) -> None:
        _written.discard(_raw(dbapi_connection))
        commit(dbapi_connection)

    dialect.do_rollback = do_rollback
    dialect.do_commit = do_commit


def _reads_only(statement: str) -> bool:
    """A plain SELECT (the ORM's and Core's reads all start so; a write in a CTE starts with WITH)."""
    return statement.lstrip()[:6].upper() == "SELECT"


def _raw(connection):
    """The psycopg connection itself (the pool passes its own wrapper in some calls)."""
    return getattr(connection, "dbapi_connection", connection)


def _in_clean_transaction(dbapi_connection) -> bool:
    """Inside a transaction whose statements have all succeeded (not idle, not failed)."""
    from psycopg.pq import TransactionStatus

    return dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
