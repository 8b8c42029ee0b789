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


@contextmanager
def throwaway_server():
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
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
    try:
        yield f"postgresql+psycopg://{user}@/postgres?host={sock}&port={port}", (user, sock, port)
    finally:
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


def empty_database_uri(postgres_server: str | None, tmp_path: Path) -> str:
    """A new, empty database of the tier's own kind: a SQLite file, or a database on the throwaway
    PostgreSQL server (a backup restores only into the kind of database it was made from)."""
    if postgres_server is None:
        return f"sqlite:///{tmp_path / 'restored.sqlite'}"
    name = f"tracker_restore_{os.getpid()}_{next(_databases)}"
    engine = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return postgres_server.replace("/postgres?", f"/{name}?")
