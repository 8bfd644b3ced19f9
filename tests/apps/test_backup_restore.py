"""A backup restores into an empty instance that passes audit_verify with the same patients."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from cryoneuro.site.settings.test import AUDIT_KEYS

SRC = str(Path(__file__).resolve().parents[2] / "src")
# Committed data: the backup reads the database from its own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def _manage(tmp_path, instance, *arguments, database_url=None):
    """A manage command on a second, production-configured instance (its own SQLite file,
    or the empty PostgreSQL database given)."""
    return subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", *arguments],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("CRYONEURO_")},
            "DJANGO_SETTINGS_MODULE": "cryoneuro.site.settings.prod",
            "PYTHONPATH": SRC,
            "SECRET_KEY": "x" * 50,
            "CRYONEURO_AUDIT_KEYS": AUDIT_KEYS,  # the seal keys travel outside the backup
            "DATABASE_URL": database_url or f"sqlite:///{instance}/db.sqlite3",
            "CRYONEURO_VAR_DIR": str(instance),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def empty_database():
    """On SQLite a new file; on PostgreSQL a new, empty database in the same cluster."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield None
        return
    import psycopg

    base = os.environ["CRYONEURO_TEST_DATABASE_URL"]
    name = f"restored_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_backup_then_restore_into_an_empty_instance(tmp_path, settings, empty_database):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    call_command("load_demo", verbosity=0)
    image = settings.MEDIA_ROOT / "treatmentplans" / "placement.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    from cryoneuro.patients.models import Patient

    identifiers = sorted(Patient.objects.values_list("identifier", flat=True))
    assert identifiers

    call_command("backup", str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("cryoneuro-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # health data: the owner's only
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    from django.db import connection

    assert manifest["db_vendor"] == connection.vendor
    db_member = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    media = sorted(
        p.relative_to(settings.MEDIA_ROOT).as_posix()
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    )
    assert len(media) > 1  # the demo's plan image and ours
    assert set(manifest["members"]) == {db_member} | {f"media/{m}" for m in media}

    instance = tmp_path / "restored"
    instance.mkdir()
    restored = _manage(tmp_path, instance, "restore", str(archive), database_url=empty_database)
    assert restored.returncode == 0, restored.stderr
    assert f"and {len(media)} files" in restored.stdout
    verified = _manage(tmp_path, instance, "audit_verify", database_url=empty_database)
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact" in verified.stdout
    listed = _manage(
        tmp_path,
        instance,
        "shell",
        "-c",
        "import json; from cryoneuro.patients.models import Patient;"
        "print(json.dumps(sorted(Patient.objects.values_list('identifier', flat=True))))",
        database_url=empty_database,
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout.strip().splitlines()[-1]) == identifiers
    for name in media:
        original = (settings.MEDIA_ROOT / name).read_bytes()
        assert (instance / "media" / name).read_bytes() == original, name
    again = _manage(tmp_path, instance, "restore", str(archive), database_url=empty_database)
    assert again.returncode == 1
    assert "The database is not empty" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.sqlite_only
def test_restore_refuses_an_altered_archive(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("cryoneuro-backup-*.tar.gz")
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    instance = tmp_path / "restored"
    instance.mkdir()
    result = _manage(tmp_path, instance, "restore", str(altered))
    assert result.returncode == 1
    assert "database.sqlite3: missing or altered" in result.stderr
