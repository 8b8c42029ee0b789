"""`flask backup` and `flask restore`: the demo data backed up, restored into an empty instance, and
every record and every evidence file found identical; a damaged archive is refused."""

import io
import tarfile
from pathlib import Path

import pytest
import sqlalchemy

from tests.pg import empty_database_uri
from tracker import create_app
from tracker.extensions import db
from tracker.ops.backup import BackupError, restore_backup


def _snapshot(app) -> tuple[dict, dict]:
    """Every row of every table, and every evidence file's bytes."""
    rows = {}
    with app.app_context():
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows[table.name] = [tuple(r) for r in conn.execute(sqlalchemy.select(table).order_by(*order))]
            rows["alembic_version"] = list(conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")))
        db.engine.dispose()
    folder = Path(app.config["UPLOAD_FOLDER"])
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return rows, files


@pytest.mark.demo_data
def test_backup_and_restore_round_trip(app, postgres_server, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("evidence/") for n in names)

    target = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri(postgres_server, tmp_path),
                         "UPLOAD_FOLDER": str(tmp_path / "restored-evidence"),
                         "IMPORT_FOLDER": str(tmp_path / "restored-imports"),
                         "REPORT_FOLDER": str(tmp_path / "restored-reports")})
    with target.app_context():  # the CLI runner uses whichever app's context is active
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output

    before_rows, before_files = _snapshot(app)
    after_rows, after_files = _snapshot(target)
    assert sum(len(v) for v in before_rows.values()) > 100 and before_files
    assert after_rows == before_rows
    assert after_files == before_files

    # A second restore over the data is refused without --force.
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        db.engine.dispose()
    assert result.exit_code != 0 and "already holds records" in result.output


@pytest.mark.demo_data
def test_a_damaged_archive_is_refused(app, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    # Rewrite one evidence file inside the archive: same name, other bytes.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        changed = False
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("evidence/") and not changed:
                data, changed = data + b"tampered", True
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    target = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite'}",
                         "UPLOAD_FOLDER": str(tmp_path / "other-evidence")})
    with target.app_context(), pytest.raises(BackupError, match="SHA-256"):
        restore_backup(damaged)
    assert not (tmp_path / "other-evidence").exists()
