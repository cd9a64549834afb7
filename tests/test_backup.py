"""Backups round-trip: every table's rows and every stored file come back identical."""

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from dankheo import create_app
from dankheo.backup import MANIFEST, BackupError, read_manifest
from dankheo.extensions import db
from dankheo.models import Role
from tests.conftest import TEST_DB_URI, make_test_config
from tests.factories import make_campaign, make_initiative, make_province, make_user

FILES = {
    ("EVIDENCE_DIR", "2024/ab/anh-mo-hinh.jpg"): b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40,
    ("EVIDENCE_DIR", "2024/cd/bao-cao.pdf"): b"%PDF-1.7\n" + "Báo cáo".encode() * 100,
    ("CERTIFICATE_DIR", "DVK-2024-000001.pdf"): b"%PDF-1.7\ncertificate 1\n",
    ("CERTIFICATE_DIR", "batches/QD-123.pdf"): b"%PDF-1.7\nbatch\n",
}


@pytest.fixture
def file_app(tmp_path):
    """An app on a SQLite file (as it runs in production), independent of the suite's DB."""
    uri = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _seed(app) -> None:
    units = make_province()
    make_user("admin", (Role.ADMIN, units["province"]))
    make_user("canbo", (Role.OFFICER, units["c11"]), full_name="Nguyễn Thị Cán Bộ")
    campaign = make_campaign(units["agency"])
    make_initiative(units["c11"], "Mô hình “Tuyến đường hoa nông thôn mới”")
    assert campaign.id
    db.session.commit()
    for (setting, rel), data in FILES.items():
        path = Path(app.config[setting]) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _all_rows() -> dict[str, list[tuple]]:
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return out


def _file_hashes(app) -> dict[str, str]:
    hashes = {}
    for setting in ("EVIDENCE_DIR", "CERTIFICATE_DIR"):
        root = Path(app.config[setting])
        for path in sorted(root.rglob("*")):
            if path.is_file():
                rel = f"{setting}/{path.relative_to(root).as_posix()}"
                hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _backup(app, out: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1 and not folders[0].name.endswith(".partial")
    assert str(folders[0]) in result.output
    return folders[0]


def _wipe(app) -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()
    for setting in ("EVIDENCE_DIR", "CERTIFICATE_DIR"):
        shutil.rmtree(app.config[setting])


def test_backup_and_restore_round_trip_on_sqlite(file_app, tmp_path):
    _seed(file_app)
    rows, hashes = _all_rows(), _file_hashes(file_app)
    assert rows["units"] and rows["users"] and rows["initiatives"] and rows["audit_events"]
    assert len(hashes) == len(FILES)

    folder = _backup(file_app, tmp_path / "backups")
    manifest = read_manifest(folder)
    assert manifest["database"]["backend"] == "sqlite"
    assert manifest["tables"]["units"] == len(rows["units"])
    assert {(f["area"], f["path"]) for f in manifest["files"]} == {
        ("evidence", "2024/ab/anh-mo-hinh.jpg"),
        ("evidence", "2024/cd/bao-cao.pdf"),
        ("certificates", "DVK-2024-000001.pdf"),
        ("certificates", "batches/QD-123.pdf"),
    }

    _wipe(file_app)
    assert _all_rows()["units"] == []

    result = file_app.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert "restored" in result.output
    assert _all_rows() == rows
    assert _file_hashes(file_app) == hashes


def test_backup_is_consistent_while_another_connection_writes(file_app, tmp_path):
    _seed(file_app)
    units_before = len(_all_rows()["units"])
    writer = sqlite3.connect(db.engine.url.database, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO units (code, name, kind, path, depth, search_text, sort_key) "
        "VALUES ('NEW', 'Chưa ghi xong', 'commune', '/9999999/', 0, '', '')"
    )
    try:
        folder = _backup(file_app, tmp_path / "backups")  # a writer holds its transaction
    finally:
        writer.rollback()
        writer.close()
    snapshot = sqlite3.connect(folder / "database.sqlite3")
    try:
        assert snapshot.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = snapshot.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        snapshot.close()
    assert count == units_before  # the uncommitted row is not in the snapshot


def test_restore_refuses_to_overwrite_without_force(file_app, tmp_path):
    _seed(file_app)
    folder = _backup(file_app, tmp_path / "backups")
    db.session.execute(sa.text("DELETE FROM audit_events"))
    db.session.commit()
    result = file_app.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code != 0
    assert "refusing to overwrite" in result.output
    assert _all_rows()["audit_events"] == []
    forced = file_app.test_cli_runner().invoke(args=["restore", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(_all_rows()["audit_events"]) == read_manifest(folder)["tables"]["audit_events"]


def test_a_damaged_backup_is_refused(file_app, tmp_path):
    _seed(file_app)
    folder = _backup(file_app, tmp_path / "backups")
    damaged = folder / "files" / "certificates" / "DVK-2024-000001.pdf"
    damaged.write_bytes(b"tampered")
    with pytest.raises(BackupError, match="damaged"):
        read_manifest(folder)
    _wipe(file_app)
    result = file_app.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code != 0 and "damaged" in result.output
    assert _all_rows()["units"] == []


def test_a_folder_without_manifest_is_not_a_backup(file_app, tmp_path):
    empty = tmp_path / "not-a-backup"
    empty.mkdir()
    result = file_app.test_cli_runner().invoke(args=["restore", str(empty)])
    assert result.exit_code != 0 and MANIFEST in result.output


@pytest.mark.postgres
@pytest.mark.skipif(
    not TEST_DB_URI.startswith("postgresql") or shutil.which("pg_dump") is None,
    reason="needs PostgreSQL (DANKHEO_TEST_DATABASE_URI) and pg_dump",
)
def test_backup_and_restore_round_trip_on_postgresql(app, tmp_path):
    _seed(app)
    rows, hashes = _all_rows(), _file_hashes(app)
    folder = _backup(app, tmp_path / "backups")
    assert read_manifest(folder)["database"]["backend"] == "postgresql"
    db.session.remove()
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    for setting in ("EVIDENCE_DIR", "CERTIFICATE_DIR"):
        shutil.rmtree(app.config[setting])
    result = app.test_cli_runner().invoke(args=["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert _all_rows() == rows
    assert _file_hashes(app) == hashes
