"""A throwaway PostgreSQL server for the postgres tier: initdb into a temporary folder, started on
a private Unix socket and port, removed at the end of the session."""

import getpass
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy


def _bin(name: str) -> str:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/install_test_deps.sh")
    return found if isinstance(found, str) else found[-1]


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` system user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def memory_folder() -> str | None:
    """/dev/shm when it is a roomy tmpfs: there a test's new database is copied from the template in
    about 15 ms, against 120 ms on this machine's disk, and dropped in a few. None (the usual temporary
    folder) where it is missing or small, as in a container's default 64 MB."""
    try:
        roomy = shutil.disk_usage("/dev/shm").free > 2 * 1024**3
    except OSError:
        return None
    return "/dev/shm" if roomy and os.access("/dev/shm", os.W_OK) else None


@contextmanager
def throwaway_server():
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-", dir=memory_folder()))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = 55000 + os.getpid() % 5000
    user = "postgres" if os.geteuid() == 0 else getpass.getuser()
    subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-U", user, "--auth=trust",
                                    "--encoding=UTF8", "--no-sync"]), check=True, capture_output=True)
    log = root / "server.log"
    if os.geteuid() == 0:
        log.touch()
        shutil.chown(log, "postgres")
    subprocess.run(_as_server_user([
        _bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
        f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        f"-c full_page_writes=off",
        "start"]), check=True, capture_output=True)
    url = f"postgresql+psycopg://{user}@/postgres?host={sock}&port={port}"
    try:
        yield url, (user, sock, port)
    finally:
        if (admin := _admin_engines.pop(url, None)) is not None:
            admin.dispose()
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def wait_for(url: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    for _ in range(50):
        try:
            with engine.connect():
                return
        except sqlalchemy.exc.OperationalError:
            time.sleep(0.1)
        finally:
            engine.dispose()
    raise RuntimeError("PostgreSQL did not start")


_databases = itertools.count(1)
_admin_engines: dict[str, sqlalchemy.Engine] = {}


def _admin(server_url: str) -> sqlalchemy.Engine:
    """One autocommit engine per server for creating and dropping databases (kept for the session)."""
    if server_url not in _admin_engines:
        _admin_engines[server_url] = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    return _admin_engines[server_url]


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """A new database on the server (a copy of `template` if given); its URL. FILE_COPY copies the
    template's files rather than writing them all through the WAL: the faster way for a small one."""
    copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
    with _admin(server_url).connect() as conn:
        conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}{copy}"))
    return server_url.replace("/postgres?", f"/{name}?")


def drop_database(server_url: str, name: str) -> None:
    """Drop a test's database at its end, so the server's folder stays small whatever the run's length
    (kept, 2,000 databases filled the disk with 20 GB and took a minute to remove at the end)."""
    with _admin(server_url).connect() as conn:
        conn.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def empty_database_uri(postgres_server: str | None, tmp_path: Path) -> str:
    """A new, empty database of the tier's own kind: a SQLite file, or a database on the throwaway
    PostgreSQL server (a backup restores only into the kind of database it was made from)."""
    if postgres_server is None:
        return f"sqlite:///{tmp_path / 'restored.sqlite'}"
    return create_database(postgres_server, f"tracker_restore_{os.getpid()}_{next(_databases)}")
