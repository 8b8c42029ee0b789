"""PostgreSQL keeps a connection's prepared statements from one transaction to the next
(tracker/core/postgres.py): a transaction that only read is committed, not rolled back, and anything
that wrote is still rolled back."""

import pytest
from sqlalchemy import select, text

from tracker.extensions import db
from tracker.users.models import Agency


@pytest.fixture(autouse=True)
def _postgres_only(database_backend):
    if database_backend != "postgres":
        pytest.skip("PostgreSQL only")


def _read_agencies(times: int) -> None:
    """The same SELECT in `times` transactions, each ended as a request ends: by a rollback."""
    for _ in range(times):
        db.session.execute(select(Agency.id).where(Agency.name == "nobody")).all()
        db.session.rollback()


def _prepared() -> int:
    count = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
    db.session.rollback()
    return count


def test_a_statement_read_in_many_transactions_is_prepared(app):
    _read_agencies(8)
    assert _prepared() >= 1


def test_a_transaction_that_wrote_is_rolled_back(app):
    db.session.add(Agency(name="Rolled back", short_name="RB"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(Agency.id).where(Agency.name == "Rolled back")) is None


def test_a_core_write_is_rolled_back_too(app):
    db.session.execute(text("INSERT INTO settings (key, value) VALUES ('core-write', '1')"))
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM settings WHERE key = 'core-write'")).scalar_one() == 0


def test_a_failed_transaction_is_rolled_back(app):
    with pytest.raises(Exception):
        db.session.execute(text("SELECT 1/0")).all()
    db.session.rollback()
    assert db.session.execute(text("SELECT 1")).scalar_one() == 1
