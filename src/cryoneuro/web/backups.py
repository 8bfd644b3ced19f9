"""Backups that restore: the database (SQLite's online backup API or PostgreSQL's
pg_dump), the uploaded files under MEDIA_ROOT, and a manifest with each member's SHA-256.

The archive is one ``cryoneuro-backup-<UTC time>.tar.gz``; see docs/operations/backups.md.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
FORMAT = 1  # the manifest's layout; a restore refuses another
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Read and hash files in 1 MiB pieces: a DICOM of tens of MB never sits whole in memory.
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line
    return args, environment


def _dump_database(target: Path) -> None:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(db["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # a consistent copy while the app goes on writing
        finally:
            copy.close()
            source.close()
    elif connection.vendor == "postgresql":
        args, environment = _pg_env(db)
        subprocess.run(  # noqa: S603 -- fixed program, arguments from settings
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                *args,
                "--file",
                str(target),
                str(db["NAME"]),
            ],
            env=environment,
            check=True,
            capture_output=True,
        )
    else:
        raise BackupError(f"No backup for the {connection.vendor} database.")


def _app_version() -> str:
    try:
        return importlib.metadata.version("cryoneuro")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def make_backup(directory: Path, *, now: dt.datetime | None = None) -> Path:
    """Write the archive into ``directory`` (created 0700) and return its path."""
    now = now or dt.datetime.now(dt.UTC)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"cryoneuro-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        dump = Path(scratch) / "database"
        _dump_database(dump)  # refuses a vendor without a backup first
        db_member = DB_MEMBER[connection.vendor]
        members = {db_member: _sha256(dump)}
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        for path in media:
            members[f"media/{path.relative_to(media_root).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "app_version": _app_version(),
            "db_vendor": connection.vendor,
            "members": members,
        }
        partial = Path(scratch) / name
        # Health data: readable by the owner only, whatever the umask.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(now.timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=db_member)
            for path in media:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        final = directory / name
        os.replace(partial, final)  # never a half-written archive under the final name
    return final


def _is_empty() -> bool:
    return not connection.introspection.table_names()


def restore_backup(archive_path: Path) -> dict[str, Any]:
    """Restore into an empty instance: no table in the database, no file under MEDIA_ROOT."""
    if not _is_empty():
        raise BackupError(
            "The database is not empty: restore only into a new, empty database "
            "(create it, do not migrate), so that nothing is mixed or overwritten."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) already holds files: restore into an empty one."
        )
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(scratch, filter="data")  # no absolute paths, no links out
        root = Path(scratch)
        manifest = json.loads((root / MANIFEST).read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest["db_vendor"] != connection.vendor:
            raise BackupError(
                f"The backup holds a {manifest['db_vendor']} database; this instance uses "
                f"{connection.vendor}."
            )
        for member, digest in manifest["members"].items():
            path = root / member
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(
                    f"{member}: missing or altered (SHA-256 differs); nothing restored."
                )
        dump = root / DB_MEMBER[connection.vendor]
        db = connection.settings_dict
        connection.close()
        if connection.vendor == "sqlite":
            source = sqlite3.connect(str(dump))
            target = sqlite3.connect(str(db["NAME"]))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            args, environment = _pg_env(db)
            subprocess.run(  # noqa: S603 -- fixed program, arguments from settings
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    *args,
                    "--dbname",
                    str(db["NAME"]),
                    str(dump),
                ],
                env=environment,
                check=True,
                capture_output=True,
            )
        restored_media = 0
        for member in manifest["members"]:
            if member.startswith("media/"):
                destination = media_root / member.removeprefix("media/")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / member, destination)
                restored_media += 1
    return {**manifest, "media_restored": restored_media}
