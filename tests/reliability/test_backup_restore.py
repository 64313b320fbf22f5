"""Backup and restore as docs/backup.md does it (scripts/backup.sh, scripts/restore.sh): a populated database with
an uploaded document, dumped and restored into a fresh database, has every row of every table (counts and
checksums), every sequence where it was, and every uploaded file byte for byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from psycopg import sql

from conftest import require_service
from portal.models import User
from procurement import services
from procurement.models import JointProcurement, ProcurementDocument

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def _tables(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()
    return [r[0] for r in rows]


def _fingerprint(url: str) -> dict[str, tuple[int, str | None]]:
    """Per table: the row count and an md5 of every row's text, in a fixed order; per sequence: its last value."""
    found: dict[str, tuple[int, str | None]] = {}
    with psycopg.connect(url) as conn:
        for table in _tables(conn):
            query = sql.SQL("SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} t").format(
                sql.Identifier(table)
            )
            count, digest = conn.execute(query).fetchone()  # type: ignore[misc]
            found[table] = (count, digest)
        for schema, name, last in conn.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            found[f"sequence {schema}.{name}"] = (last or 0, None)
    return found


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_restored_backup_has_every_row_and_every_file(tmp_path: Path, settings: Any, api_as: Any) -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql", "pg_dump backs up PostgreSQL")
    require_service("pg_dump and pg_restore", bool(shutil.which("pg_dump") and shutil.which("pg_restore")))
    media, restored_media, backup = tmp_path / "media", tmp_path / "restored-media", tmp_path / "backup"
    settings.MEDIA_ROOT = media
    response = api_as("nagano-pref-staff").post(
        "/api/v1/procurement/joint-procurements/",
        {
            "title": "長野県市町村 電子申請システム共同調達",
            "category": "e_application",
            "method": "proposal",
            "status": "recruiting",
            "participants": ["202177", "205419"],
            "cost_sharing": {"equal": "1"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    document = services.document_add(
        actor=User.objects.get(username="nagano-pref-staff"),
        procurement=JointProcurement.objects.get(pk=response.json()["id"]),
        title="仕様書（案）",
        upload=SimpleUploadedFile("仕様書.pdf", PDF, "application/pdf"),
        visibility="participants",
    )
    assert (media / document.file.name).read_bytes() == PDF

    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restored"
    env = {**os.environ, "MEDIA_ROOT": str(media), "DATABASE_URL": _url(source)}
    subprocess.run([ROOT / "scripts" / "backup.sh", backup], env=env, check=True, capture_output=True)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(fresh)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh)))
    try:
        env = {**os.environ, "MEDIA_ROOT": str(restored_media), "DATABASE_URL": _url(fresh)}
        subprocess.run([ROOT / "scripts" / "restore.sh", backup], env=env, check=True, capture_output=True)

        before, after = _fingerprint(_url(source)), _fingerprint(_url(fresh))
        assert before["portal_organization"][0] >= 1741 and before["procurement_procurementdocument"][0] == 1
        assert after == before  # every table, row for row, and every sequence
        assert _files(restored_media) == _files(media)
        with psycopg.connect(_url(fresh)) as conn:
            names = [r[0] for r in conn.execute("SELECT file FROM procurement_procurementdocument").fetchall()]
        assert names == [document.file.name]
        assert (restored_media / names[0]).read_bytes() == PDF
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fresh)))
    assert ProcurementDocument.objects.count() == 1
