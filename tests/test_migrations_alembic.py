"""pytest-alembic's standard tests on every revision, on the database the suite runs on (SQLite, or
PostgreSQL with --db=postgres): a single head, upgrade from empty one revision at a time, the models
match the migrated schema, and every revision downgrades back to where it came from."""

import itertools
from pathlib import Path

import pytest
import pytest_alembic
import sqlalchemy
from pytest_alembic.tests import default

from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[1]
_n = itertools.count(1)


@pytest.fixture
def alembic_runner(postgres_server, tmp_path):
    if postgres_server is None:
        uri = f"sqlite:///{tmp_path / 'alembic.sqlite'}"
    else:
        name = f"tracker_alembic_{next(_n)}"
        engine = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        uri = postgres_server.replace("/postgres?", f"/{name}?")
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    config = pytest_alembic.Config(config_options={"file": str(ROOT / "migrations" / "alembic.ini"),
                                                   "script_location": str(ROOT / "migrations")})
    with app.app_context():  # migrations/env.py takes its engine from the app
        with pytest_alembic.runner(config=config, engine=db.engine) as runner:
            yield runner
        db.engine.dispose()


@pytest.mark.parametrize("check", ["test_single_head_revision", "test_upgrade", "test_model_definitions_match_ddl",
                                   "test_up_down_consistency"])
def test_pytest_alembic_standard(alembic_runner, check):
    getattr(default, check)(alembic_runner)
