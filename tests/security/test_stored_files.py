"""Stored files (issue 14, findings 7 and 8): backups hold every stored-file area and
restore whole or not at all; files are private (0600 in 0700 folders); evidence nobody
names any more is removed."""

import hashlib
import io
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from dankheo import create_app
from dankheo.backup import FILE_AREAS, MANIFEST, BackupError, read_manifest
from dankheo.certificates import issuing, storage
from dankheo.certificates.design import store_image
from dankheo.demo import seed_demo
from dankheo.extensions import db
from dankheo.models import AwardType, Certificate, CertificateStatus, Evidence, User
from dankheo.registry import evidence as evidence_files
from tests.conftest import make_test_config
from tests.security.world import build_world, sign_in_session, tiny_png

# Every folder the application stores files in (not read from the code under test).
SETTINGS = ("EVIDENCE_DIR", "CERTIFICATE_DIR", "UPLOAD_DIR")


@pytest.fixture
def file_app(tmp_path):
    """An application on a SQLite file, as `make run` has it."""
    uri = f"sqlite:///{tmp_path / 'instance' / 'dankheo.sqlite3'}"
    (tmp_path / "instance").mkdir()
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _rows() -> dict[str, list[tuple]]:
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return out


def _files(app) -> dict[str, str]:
    """Every stored file of every area, by area and path, with its SHA-256."""
    found = {}
    for setting in SETTINGS:
        root = Path(app.config[setting])
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file():
                key = f"{setting}/{path.relative_to(root).as_posix()}"
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (120, 120), color).save(out, "PNG")
    return out.getvalue()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _modes(*roots) -> list[str]:
    """Every file not 0600 and every folder not 0700 under ``roots`` (roots included)."""
    wrong = []
    for root in roots:
        root = Path(root)
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            if (path.is_dir() and mode != 0o700) or (path.is_file() and mode != 0o600):
                wrong.append(f"{path} {oct(mode)}")
    return wrong


def _demo_with_uploads(app):
    for _line in seed_demo():
        pass
    db.session.commit()
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    award_type = db.session.scalar(sa.select(Certificate)).decision.award_type  # one issued
    store_image(admin, award_type, "emblem", _png((200, 16, 46, 255)))
    store_image(admin, award_type, "blank", _png((250, 240, 200, 255)))
    db.session.commit()
    return award_type


def _world_with_uploads(app):
    """The small security world with an emblem uploaded: quicker than the demo."""
    world = build_world()
    store_image(world.users["admin"], world.award_type, "emblem", _png((200, 16, 46, 255)))
    db.session.commit()
    return world.award_type


def test_a_demo_with_an_uploaded_emblem_comes_back_identical_file_for_file(file_app, tmp_path):
    award_type = _demo_with_uploads(file_app)
    rows, files = _rows(), _files(file_app)
    assert any(k.startswith("UPLOAD_DIR/") for k in files), "the emblem is stored"
    assert any(k.startswith("CERTIFICATE_DIR/") for k in files)
    assert any(k.startswith("EVIDENCE_DIR/") for k in files)

    result = _cli(file_app, "backup", "--output", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = read_manifest(folder)
    assert {f["area"] for f in manifest["files"]} == set(FILE_AREAS)
    assert {"area": "uploads", "path": award_type.emblem_path} in manifest["referenced"]
    assert not _modes(tmp_path / "backups"), "backups must be private"

    db.session.remove()
    db.drop_all()
    db.create_all()
    for setting in SETTINGS:
        shutil.rmtree(file_app.config[setting])
    result = _cli(file_app, "restore", str(folder))
    assert result.exit_code == 0, result.output

    assert _rows() == rows
    assert _files(file_app) == files
    restored = db.session.get(AwardType, award_type.id)
    emblem = issuing.emblem_url(restored)
    assert emblem.startswith(Path(file_app.config["UPLOAD_DIR"]).resolve().as_uri())
    assert not _modes(*(file_app.config[s] for s in SETTINGS))


def test_stored_files_database_and_folders_are_private(file_app, tmp_path):
    _world_with_uploads(file_app)
    cert = db.session.scalar(sa.select(Certificate))
    storage.write_atomically(storage.certificate_dir() / "2024" / f"{cert.serial}.pdf", b"%PDF")
    roots = [file_app.config[s] for s in SETTINGS]
    assert all(any(Path(r).rglob("*")) for r in roots)
    assert not _modes(*roots)
    database = Path(db.engine.url.database)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_a_backup_missing_a_referenced_file_is_refused_whole(file_app, tmp_path):
    award_type = _world_with_uploads(file_app)
    result = _cli(file_app, "backup", "--output", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    # Someone drops the emblem from the backup and from its list of files.
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["path"] != award_type.emblem_path]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "files" / "uploads" / award_type.emblem_path).unlink()
    with pytest.raises(BackupError, match="partial backup"):
        read_manifest(folder)
    rows, files = _rows(), _files(file_app)
    result = _cli(file_app, "restore", str(folder), "--force")
    assert result.exit_code != 0 and "partial backup" in result.output
    assert _rows() == rows and _files(file_app) == files  # nothing changed


def test_no_backup_is_made_while_a_referenced_file_is_missing(file_app, tmp_path):
    award_type = _world_with_uploads(file_app)
    (Path(file_app.config["UPLOAD_DIR"]) / award_type.emblem_path).unlink()
    result = _cli(file_app, "backup", "--output", str(tmp_path / "backups"))
    assert result.exit_code != 0
    assert (
        "cannot make a complete backup" in result.output and award_type.emblem_path in result.output
    )
    assert not list((tmp_path / "backups").iterdir())


def test_a_backup_of_the_old_format_is_refused_as_partial(file_app, tmp_path):
    _world_with_uploads(file_app)
    _cli(file_app, "backup", "--output", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["format"] = 1
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="no uploaded images"):
        read_manifest(folder)


# --- evidence nobody names ------------------------------------------------------------


def _age(path: Path, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_deleted_evidence_leaves_no_file_behind(app, client):
    world = build_world()
    row = world.evidence
    stored, thumb = evidence_files.path_for(row.sha256), evidence_files.thumb_path_for(row.sha256)
    assert stored.is_file() and thumb.is_file()
    _age(stored, 3600)
    _age(thumb, 3600)
    with client.session_transaction() as session:
        sign_in_session(session, world.users["officer"])
    response = client.post(f"/registry/evidence/{row.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Evidence, row.id) is None
    assert not stored.exists() and not thumb.exists()


def test_a_file_shared_by_another_record_stays(app, client):
    world = build_world()
    row = world.evidence
    twin = Evidence(
        initiative_id=world.free_initiative.id,
        filename="ban-sao.png",
        mime=row.mime,
        size=row.size,
        sha256=row.sha256,
    )
    db.session.add(twin)
    db.session.commit()
    stored = evidence_files.path_for(row.sha256)
    _age(stored, 3600)
    with client.session_transaction() as session:
        sign_in_session(session, world.users["officer"])
    client.post(f"/registry/evidence/{row.id}/delete")
    assert stored.is_file()


def test_prune_removes_old_orphans_and_spares_young_files(app, runner):
    orphan = evidence_files.check(tiny_png(color=(1, 2, 3)))
    young = evidence_files.check(tiny_png(color=(4, 5, 6)))
    evidence_files.store(orphan)
    evidence_files.store(young)
    _age(evidence_files.path_for(orphan.sha256), 3600)
    _age(evidence_files.thumb_path_for(orphan.sha256), 3600)
    result = runner.invoke(args=["prune-evidence"])
    assert result.exit_code == 0 and "removed 2 " in result.output
    assert not evidence_files.path_for(orphan.sha256).exists()
    assert evidence_files.path_for(young.sha256).exists()  # an upload may be committing it


def test_a_pruned_file_is_not_in_later_backups(file_app, tmp_path):
    world = build_world()
    stored = evidence_files.path_for(world.evidence.sha256)
    _age(stored, 3600)
    _age(evidence_files.thumb_path_for(world.evidence.sha256), 3600)
    db.session.delete(world.evidence)
    db.session.commit()
    evidence_files.remove_unreferenced([world.evidence.sha256])
    _cli(file_app, "backup", "--output", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert not any(f["area"] == "evidence" for f in read_manifest(folder)["files"])


def test_a_report_in_use_is_not_deleted(app, client):
    """Deleting the evidence a nomination uses as its report was an integrity error."""
    world = build_world()
    nomination = world.draft_nomination
    nomination.report_evidence_id = world.evidence.id
    db.session.commit()
    with client.session_transaction() as session:
        sign_in_session(session, world.users["officer"])
    response = client.post(f"/registry/evidence/{world.evidence.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "báo cáo thành tích của một hồ sơ" in response.get_data(as_text=True)
    assert db.session.get(Evidence, world.evidence.id) is not None
    assert db.session.get(Certificate, world.certificate.id).status == CertificateStatus.VALID
