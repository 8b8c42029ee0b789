"""The schema comes only from the migrations: an empty database upgraded to head matches the models."""

import itertools

import flask_migrate
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker import create_app
from tracker.extensions import db, include_object

_n = itertools.count(1)


def _empty_database(postgres_server, tmp_path) -> str:
    if postgres_server is None:
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    name = f"tracker_empty_{next(_n)}"
    engine = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return postgres_server.replace("/postgres?", f"/{name}?")


def test_upgrade_from_empty_matches_the_models(postgres_server, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _empty_database(postgres_server, tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
            diff = compare_metadata(context, db.metadata)
            tables = set(sqlalchemy.inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {"actions", "reviews", "recommendations", "audit_records", "alembic_version"} <= tables


def test_downgrade_to_base_and_back(postgres_server, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _empty_database(postgres_server, tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sqlalchemy.inspect(conn).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        db.engine.dispose()
