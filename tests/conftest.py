import shutil
from datetime import date

import flask_migrate
import pytest

from tests import factories
from tracker import create_app
from tracker.extensions import db
from tracker.users.models import Role

TEST_TODAY = factories.TODAY


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One database upgraded to head through the real migrations, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(migrated_template, tmp_path):
    db_path = tmp_path / "test.sqlite"
    shutil.copy(migrated_template, db_path)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "UPLOAD_FOLDER": str(tmp_path / "evidence"),
        "FIXED_TODAY": TEST_TODAY,
    })
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app, client):
    """Sign in through the real form as a new user of `role` (an agency lead of `agency`)."""

    def _login(role: Role | str, agency=None, user=None):
        user = user or factories.make_user(role, agency=agency)
        db.session.commit()
        response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return user

    return _login


@pytest.fixture
def today() -> date:
    return TEST_TODAY
