"""Backups of the whole server, taken while it runs (`hashchat backup` / `restore`).

A backup is one tar file (gzip-compressed):

    manifest.json       what it is: engine, when, the migrations it holds
    database.sqlite3    SQLite: a copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: `pg_dump --format=custom`
    secret_key          the data dir's generated key (sessions and tokens stay valid)
    media/...           uploaded avatars

Consistency: on SQLite the copy is read inside one read transaction, so it is the
database as it was at one instant, while the server goes on writing (WAL mode lets
writers and this reader work at once); every post acknowledged before the backup
started is in it. pg_dump does the same on PostgreSQL (one snapshot).

`restore` brings a backup back into an empty data dir or an empty database (it
refuses anything else, so it never mixes two instances) and then migrates, so a
backup of an older version comes back up to date.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from core.errors import InvalidInput

Report = Callable[[str, int, int | None], None]
FORMAT = "hashchat-backup"
VERSION = 1
PAGES_PER_STEP = 256


def _silent(stage: str, done: int, total: int | None) -> None:
    pass


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup_server(path: Path, *, report: Report = _silent) -> dict:
    """Write a backup of this instance to `path` (atomically: a partial file never
    carries the final name). Returns the manifest."""
    path = Path(path)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "engine": engine(),
        "created_at": datetime.now(UTC).isoformat(),
        "migrations": applied_migrations(),
    }
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="hashchat-backup-", dir=path.parent) as tmp:
        if manifest["engine"] == "sqlite":
            database = Path(tmp) / "database.sqlite3"
            copy_sqlite(Path(settings.DATABASES["default"]["NAME"]), database, report)
        else:
            database = Path(tmp) / "database.pgdump"
            dump_postgres(database, report)
        media = _media_files()
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(database, arcname=database.name)
            key = Path(settings.DATA_DIR) / "secret_key"
            if key.exists():
                tar.add(key, arcname="secret_key")
            for done, file in enumerate(media, 1):
                tar.add(file, arcname=f"media/{file.relative_to(settings.MEDIA_ROOT)}")
                report("media files", done, len(media))
    os.replace(partial, path)
    return manifest


def copy_sqlite(source: Path, target: Path, report: Report) -> None:
    """SQLite's online backup, page by page, all of it read in one read transaction:
    a consistent copy, and the server's writers never wait for it."""
    src = sqlite3.connect(source, timeout=30, isolation_level=None)
    dst = sqlite3.connect(target)
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts

        def progress(status: int, remaining: int, total: int) -> None:
            report("database pages", total - remaining, total)

        src.backup(dst, pages=PAGES_PER_STEP, progress=progress)
        src.execute("COMMIT")
    finally:
        dst.close()
        src.close()


def dump_postgres(target: Path, report: Report) -> None:
    tables = _postgres_table_count()
    done = 0
    command = ["pg_dump", "--format=custom", "--no-owner", "--verbose", "--file", str(target)]
    process = subprocess.Popen(
        [*command, "--dbname", database_url()], stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    errors = []
    for line in process.stderr:
        if "dumping contents of table" in line:
            done += 1
            report("database tables", min(done, tables), tables)
        elif "error" in line.lower():
            errors.append(line.strip())
    if process.wait() != 0:
        raise InvalidInput("pg_dump failed: " + ("; ".join(errors) or "see its messages"))


def _postgres_table_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        return int(cursor.fetchone()[0])


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# -- restore ---------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile("manifest.json")
        manifest = json.load(member) if member else {}
    except (KeyError, ValueError):
        manifest = {}
    if manifest.get("format") != FORMAT:
        raise InvalidInput("This is not a backup written by `hashchat backup`.")
    if manifest.get("version", 0) > VERSION:
        raise InvalidInput("This backup was written by a newer hashchat: upgrade first.")
    return manifest


def is_empty() -> bool:
    """No table of hashchat's in the database, no media: nothing a restore could clobber."""
    tables = set(connection.introspection.table_names())
    return "django_migrations" not in tables and not _media_files()


def restore_server(path: Path, *, report: Report = _silent) -> dict:
    """Bring the backup at `path` into this (empty) instance; returns its manifest."""
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as e:
        raise InvalidInput(f"Cannot read {path}: {e}")
    with tar:
        manifest = read_manifest(tar)
        if manifest["engine"] != engine():
            raise InvalidInput(
                f"This is a backup of a {manifest['engine']} database, and this instance "
                f"uses {engine()}. Restore it into a {manifest['engine']} instance, or move "
                "series one by one with `hashchat export`/`hashchat import`."
            )
        if not is_empty():
            raise InvalidInput(
                "This instance is not empty: restore into a new data dir "
                "(HASHCHAT_DATA_DIR) or a new, empty database (DATABASE_URL)."
            )
        members = [m for m in tar.getmembers() if m.isfile()]
        with tempfile.TemporaryDirectory(prefix="hashchat-restore-", dir=settings.DATA_DIR) as tmp:
            for done, member in enumerate(members, 1):
                tar.extract(member, tmp, filter="data")
                report("files", done, len(members))
            _restore_files(Path(tmp), manifest, report)
    return manifest


def _restore_files(tmp: Path, manifest: dict, report: Report) -> None:
    connection.close()
    if manifest["engine"] == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp / "database.sqlite3", target)
    else:
        restore_postgres(tmp / "database.pgdump", report)
    if (tmp / "secret_key").exists() and not os.environ.get("HASHCHAT_SECRET_KEY"):
        key = Path(settings.DATA_DIR) / "secret_key"
        os.replace(tmp / "secret_key", key)
        key.chmod(0o600)
    if (tmp / "media").exists():
        shutil.copytree(tmp / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)


def restore_postgres(dump: Path, report: Report) -> None:
    command = ["pg_restore", "--no-owner", "--exit-on-error", "--verbose", "--dbname"]
    process = subprocess.Popen(
        [*command, database_url(), str(dump)], stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    done = 0
    errors = []
    for line in process.stderr:
        if "processing data for table" in line:
            done += 1
            report("database tables", done, None)
        elif "error" in line.lower():
            errors.append(line.strip())
    if process.wait() != 0:
        raise InvalidInput("pg_restore failed: " + ("; ".join(errors) or "see its messages"))
