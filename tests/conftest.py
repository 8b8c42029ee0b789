import itertools
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import flask_migrate
import jinja2
import pytest
import sqlalchemy
import time_machine
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests import factories
from tests.pg import memory_folder, create_database, drop_database, throwaway_server, wait_for
from tracker import create_app
from tracker.extensions import db
from tracker.users.models import Role

TEST_TODAY = factories.TODAY

# Hypothesis: the same examples on every run (derandomized), no example database written into the tree,
# no deadline (a request on a busy CI machine is slow, not wrong). HYPOTHESIS_PROFILE=dev searches wider.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", settings.get_profile("ci"), derandomize=False, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Hypothesis also caches what it reads of the source (constants, Unicode tables) in its home folder,
# .hypothesis in the working tree by default: here a temporary folder of the run, removed at its end.
_hypothesis_home = tempfile.mkdtemp(prefix="hypothesis-")
set_hypothesis_home_dir(_hypothesis_home)
_db_numbers = itertools.count(1)
# The SQLite databases of the run (the migrated template and each test's copy) on a tmpfs (/dev/shm)
# where there is a roomy one, as the PostgreSQL tier's server is: the app runs SQLite with
# synchronous=FULL, and there a commit's fsync costs nothing; on this machine's disk the fast tier
# spent about a tenth of its time in them. Each test's copy is removed at its end, the folder at the
# run's (by each xdist worker for its own).
_sqlite_folder = Path(tempfile.mkdtemp(prefix="tracker-sqlite-", dir=memory_folder()))


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept for the whole run (in this process), shared by the app every test
    makes: compiling the templates again for each new app was almost half the fast tier's time. Jinja
    checks each template's source against the checksum stored with its code, so an edited template is
    compiled afresh."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = CompiledTemplates()


def _share_compiled_url_builders() -> None:
    """Werkzeug compiles a Python function (an AST, then `compile`) to build the URLs of each route, twice
    per route, every time an app is made: about 40 ms of the 50 ms `create_app` takes, the same code for
    every app of the run. This keeps each function for the run (in this process), keyed by what it is
    made of: the route's parts (`_trace`), its defaults' names and whether unknown arguments are appended.
    A route with a default for one of its own variables has a constant made by its converter, so it is
    compiled afresh, as are all routes if Werkzeug's internals are not the ones this was written for. The
    function takes the rule as its first argument, so one function serves every app's rule alike."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    builders: dict[tuple, object] = {}

    def shared_compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        trace = getattr(self, "_trace", None)
        if not isinstance(trace, list) or any(dynamic and name in defaults for dynamic, name in trace):
            return compile_builder(self, append_unknown)
        key = (tuple(trace), tuple(defaults), append_unknown)
        if (builder := builders.get(key)) is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    shared_compile_builder.shared = True
    Rule._compile_builder = shared_compile_builder


_share_compiled_url_builders()


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite",
                     help="database the app fixture runs on (postgres starts a throwaway server)")
    parser.addoption("--clock", metavar="ISO-TIME", default=None,
                     help="run with the wall clock moved to this UTC time (it keeps ticking), e.g. "
                          "2038-10-31T00:59:30: a test that reads the real clock fails the day it is written")


_moved_clock: time_machine.travel | None = None


def pytest_configure(config):
    """The moved clock starts before any test module is imported (each xdist worker runs this too)."""
    global _moved_clock
    if config.getoption("--clock"):
        moment = datetime.fromisoformat(config.getoption("--clock"))
        _moved_clock = time_machine.travel(moment if moment.tzinfo else moment.replace(tzinfo=UTC), tick=True)
        _moved_clock.start()


def pytest_unconfigure(config):
    shutil.rmtree(_hypothesis_home, ignore_errors=True)
    shutil.rmtree(_sqlite_folder, ignore_errors=True)
    if _moved_clock is not None:
        _moved_clock.stop()


def pytest_report_header(config):
    if config.getoption("--clock"):
        return f"wall clock moved to {config.getoption('--clock')} (UTC)"


def pytest_collection_modifyitems(config, items):
    """Mark every test with the database it runs on, so `-m postgres` selects the real-server tier."""
    if config.getoption("--db") == "postgres":
        for item in items:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def database_backend(request):
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres_server(database_backend):
    if database_backend != "postgres":
        yield None
        return
    with throwaway_server() as (url, parts):
        wait_for(url)
        yield url


@pytest.fixture(scope="session")
def migrated_template(database_backend, postgres_server):
    """One database upgraded to head through the real migrations, copied for each test."""
    if database_backend == "postgres":
        uri = create_database(postgres_server, "tracker_template")
    else:
        uri = f"sqlite:///{_sqlite_folder / 'template.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return uri


def _fresh_database(template_uri: str, postgres_server: str | None) -> str:
    if postgres_server is None:
        path = _sqlite_folder / f"test-{next(_db_numbers)}.sqlite"
        shutil.copy(template_uri.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"
    return create_database(postgres_server, f"tracker_test_{next(_db_numbers)}",
                           template=sqlalchemy.engine.make_url(template_uri).database)


@pytest.fixture(scope="session")
def copy_database(postgres_server):
    """Copy a database made in the run (the migrated template, or one built on it and disconnected
    from: `prepared_databases`) into a new one: a file on SQLite, a new database on PostgreSQL.
    `drop_copy` removes it."""

    class Copier:
        def __call__(self, template_uri: str) -> str:
            return _fresh_database(template_uri, postgres_server)

        def drop_copy(self, uri: str) -> None:
            if postgres_server is not None:
                drop_database(postgres_server, sqlalchemy.engine.make_url(uri).database)
                return
            path = uri.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)

    return Copier()


@pytest.fixture
def starting_records(request):
    """Records the test's database starts with: None (none: a copy of the migrated template), or a name
    and a function that makes them, `build()`, run in an app context. They are made once per worker
    (`prepared_databases`) and each test starts from a copy of that database and its evidence files, so
    tests that start from the same records do not each build them again. `@pytest.mark.demo_data`:
    the demo partnership, as `build_demo(TEST_TODAY)` makes it. A module may override this fixture
    (tests/test_permissions.py)."""
    if request.node.get_closest_marker("demo_data"):
        return "demo", _build_demo
    return None


def _build_demo():
    from tracker.demo.builder import build_demo

    build_demo(TEST_TODAY)


@pytest.fixture(scope="session")
def prepared_databases(migrated_template, copy_database, tmp_path_factory):
    """`prepare(name, build)`: the database holding the records `build` made (the first time `name` is
    asked for, in an app configured as the app fixture's, on local storage), the folder of their
    evidence files, and what `build` returned (say, the records' ids)."""
    made: dict[str, tuple] = {}

    def prepare(name: str, build) -> tuple:
        if name not in made:
            folder = tmp_path_factory.mktemp(name)
            uri = copy_database(migrated_template)
            app = create_app(_app_config(uri, folder, {"STORAGE": "local"}))
            with app.app_context():
                result = build()
                db.session.commit()
                db.session.remove()
                db.engine.dispose()  # no connection left: PostgreSQL copies only an idle template
            made[name] = uri, folder / "evidence", result
        return made[name]

    yield prepare
    for uri, _, _ in made.values():
        copy_database.drop_copy(uri)


@pytest.fixture
def database_uri(request, migrated_template, copy_database, tmp_path, starting_records):
    """The test's own database, a copy of the migrated template or of its starting records' database
    (their evidence files copied where the app fixture keeps evidence); removed at its end."""
    template = migrated_template
    if starting_records is not None:
        assert request.getfixturevalue("storage_config").get("STORAGE") == "local", \
            "starting records keep their evidence files in local folders"
        template, evidence, _ = request.getfixturevalue("prepared_databases")(*starting_records)
        if evidence.exists():
            shutil.copytree(evidence, tmp_path / "evidence")
    uri = copy_database(template)
    yield uri
    copy_database.drop_copy(uri)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: its own `g` (the signed-in user)
    and its own database session, not the ones the test body is using."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test body reads what the request wrote
        return response


@pytest.fixture(scope="session")
def s3_server(pytestconfig):
    """A real S3 server (SeaweedFS) for the session, started on first use. Not in the moved-clock run:
    S3 signs each request with the client's clock, and the server (another process, on the real clock)
    refuses a request dated years away; the normal and PostgreSQL runs hold these tests."""
    from tests.s3_server import throwaway_s3

    if pytestconfig.getoption("--clock"):
        pytest.skip("S3 requests carry the client's clock: a real server refuses a moved one")

    with throwaway_s3() as server:
        yield server


@pytest.fixture
def storage_config() -> dict:
    """Settings of the store the app fixture uses: local folders unless a module overrides this."""
    return {"STORAGE": "local"}


def _app_config(database_uri: str, folder, storage_config: dict) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "UPLOAD_FOLDER": str(folder / "evidence"),
        "IMPORT_FOLDER": str(folder / "imports"),  # per test: xdist workers must not share stored documents
        "REPORT_FOLDER": str(folder / "reports"),
        "FIXED_TODAY": TEST_TODAY,
        **storage_config,
    }


@pytest.fixture
def app(database_uri, tmp_path, storage_config):
    app = create_app(_app_config(database_uri, tmp_path, storage_config))
    app.test_client_class = FreshContextClient
    app.jinja_env.bytecode_cache = _compiled_templates
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

    def _login(role: Role | str, agency=None, user=None, client=client):
        user = user or factories.make_user(role, agency=agency)
        db.session.commit()
        response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return user

    return _login


@pytest.fixture
def today() -> date:
    return TEST_TODAY
