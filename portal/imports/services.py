"""Import services: preview (dry run) and apply, for pages, the API and Celery alike.

- `import_preview(*, kind, actor, upload)` validates a file and says what it would do. It writes nothing (so no
  on_commit hook can fire and nothing is sent).
- `import_apply(*, kind, actor, upload)` validates again and writes all rows in one transaction, or none: any bad
  row raises `ImportRejected` carrying the same errors as the preview. Each changed row gets an audit entry naming
  the ImportRecord (and the municipality when a prefecture imports on its behalf).
- `import_start(...)` keeps a large file and runs it as a Celery task (`import_run`), with progress on the record.

Who may call them: anyone; the policy layer decides (the kind's action for the file, a rule per row).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal import policy
from portal.models import ImportRecord, ImportStatus, Organization

from . import setwise
from .engine import Outcome, Run
from .files import ImportFileError, read_table
from .kinds import ImportContext, ImportKind

LARGE_FILE_ROWS = 5000  # above this, a file is imported by a Celery task with a progress bar
KEEP_SECONDS = 24 * 60 * 60  # a previewed file waits this long for its confirmation


@dataclass
class Upload:
    """An uploaded file, kept in memory (files are capped at 50 MB)."""

    name: str
    data: bytes
    checksum: str = field(init=False)

    def __post_init__(self) -> None:
        self.checksum = hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_file(cls, uploaded: Any) -> Upload:
        return cls(name=Path(getattr(uploaded, "name", "") or "upload.csv").name[:255], data=uploaded.read())


@dataclass
class Preview:
    kind: str
    file_name: str
    checksum: str
    row_count: int
    totals: dict[str, int]
    errors: list[dict[str, Any]]
    rows: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return self.totals["error"] == 0 and not self.errors

    def as_api(self, *, dry_run: bool) -> dict[str, Any]:
        return {"dry_run": dry_run, "totals": self.totals, "errors": self.errors}


class ImportRejected(Exception):
    """A file with at least one bad row (or unreadable): nothing was written."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(f"{preview.totals['error']} bad rows")
        self.preview = preview


def _file_error(kind: ImportKind, upload: Upload, exc: ImportFileError) -> Preview:
    return Preview(
        kind=kind.name,
        file_name=upload.name,
        checksum=upload.checksum,
        row_count=0,
        totals={"new": 0, "update": 0, "skip": 0, "error": 1},
        errors=[{"line": exc.line, "field": exc.field, "message": exc.message}],
        rows=[],
    )


def _preview_of(kind: ImportKind, upload: Upload, row_count: int, outcome: Outcome) -> Preview:
    return Preview(
        kind=kind.name,
        file_name=upload.name,
        checksum=upload.checksum,
        row_count=row_count,
        totals=dict(outcome.totals),
        errors=outcome.errors,
        rows=outcome.preview,
    )


def row_count(*, kind: ImportKind, upload: Upload) -> int:
    """Rows in the file (0 when it cannot be read: the preview then says why)."""
    try:
        return read_table(upload.data, upload.name, kind.columns).row_count
    except ImportFileError:
        return 0


def _run(kind: ImportKind, ctx: ImportContext, upload: Upload, on_progress: Any = None) -> tuple[Outcome, int]:
    """Validate (and write, for a writing context) by the set-wise path when it applies, else row by row.

    Raises ImportFileError for a whole-file problem.
    """
    if setwise.applies(kind, upload.data, upload.name):
        with transaction.atomic():  # the staging tables live in this transaction (a savepoint inside _apply's)
            result = setwise.run(kind, ctx, upload.data, upload.name, on_progress)
        if result is not None:
            return result
    table = read_table(upload.data, upload.name, kind.columns)
    return Run(kind, ctx, on_progress=on_progress)(table), table.row_count


def import_preview(*, kind: ImportKind, actor: Any, upload: Upload) -> Preview:
    """Dry run: what the file would add, change and leave, and every bad row. Writes nothing."""
    policy.require(actor, kind.action)
    try:
        outcome, rows = _run(kind, ImportContext(actor=actor), upload)
    except ImportFileError as exc:
        return _file_error(kind, upload, exc)
    return _preview_of(kind, upload, rows, outcome)


def _behalf(outcome: Outcome) -> Organization | None:
    if len(outcome.behalf_ids) == 1:
        return Organization.objects.get(pk=next(iter(outcome.behalf_ids)))
    return None


def _finish(record: ImportRecord, outcome: Outcome, row_total: int) -> None:
    record.status = ImportStatus.DONE
    record.progress = 100
    record.rows_total = row_total
    record.count_new, record.count_update = outcome.totals["new"], outcome.totals["update"]
    record.count_skip, record.count_error = outcome.totals["skip"], outcome.totals["error"]
    record.on_behalf_of = _behalf(outcome)
    record.finished_at = timezone.now()
    record.save()


def _apply(kind: ImportKind, actor: Any, upload: Upload, record: ImportRecord, on_progress: Any = None) -> Preview:
    """Validate and write inside the caller's transaction; raise ImportRejected (rolling back) on any bad row."""
    try:
        outcome, rows = _run(kind, ImportContext(actor=actor, record=record, writing=True), upload, on_progress)
    except ImportFileError as exc:
        raise ImportRejected(_file_error(kind, upload, exc)) from exc
    preview = _preview_of(kind, upload, rows, outcome)
    if not outcome.ok:
        raise ImportRejected(preview)
    _finish(record, outcome, rows)
    return preview


def import_apply(*, kind: ImportKind, actor: Any, upload: Upload) -> ImportRecord:
    """Import every row or none, in one transaction; the ImportRecord names the file, its checksum and counts."""
    policy.require(actor, kind.action)
    with transaction.atomic():
        record = ImportRecord.objects.create(
            kind=kind.name,
            actor=actor,
            organization=getattr(actor, "organization", None),
            file_name=upload.name,
            checksum=upload.checksum,
            status=ImportStatus.RUNNING,
        )
        _apply(kind, actor, upload, record)
    return record


# Large files: kept on disk, run by a Celery task ----------------------------------------------------


def stored_path(*, actor: Any, checksum: str, file_name: str) -> Path:
    suffix = Path(file_name).suffix.lower()[:6] or ".csv"
    return Path(settings.MEDIA_ROOT) / "imports" / str(actor.pk) / f"{checksum}{suffix}"


def upload_keep(*, actor: Any, upload: Upload) -> Path:
    """Keep an uploaded file server-side (MEDIA_ROOT/imports/<user>/<sha256>), for the confirm step or a task."""
    path = stored_path(actor=actor, checksum=upload.checksum, file_name=upload.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    expired = time.time() - KEEP_SECONDS
    for old in path.parent.iterdir():  # files previewed but never imported
        if old.stat().st_mtime < expired:
            old.unlink(missing_ok=True)
    path.write_bytes(upload.data)
    return path


def upload_load(*, actor: Any, checksum: str, file_name: str) -> Upload | None:
    """The file a user uploaded before, by checksum (None when it is gone or was changed)."""
    if len(checksum) != 64 or not all(c in "0123456789abcdef" for c in checksum):
        return None
    upload_name = Path(file_name).name or "upload.csv"
    path = stored_path(actor=actor, checksum=checksum, file_name=upload_name)
    if not path.exists():
        return None
    upload = Upload(name=upload_name, data=path.read_bytes())
    return upload if upload.checksum == checksum else None


def upload_discard(path: Path | str) -> None:
    Path(path).unlink(missing_ok=True)


def import_start(*, kind: ImportKind, actor: Any, upload: Upload, dry_run: bool) -> ImportRecord:
    """Record a large import and queue it (after commit); its progress shows on the record."""
    from .tasks import import_run

    policy.require(actor, kind.action)
    path = upload_keep(actor=actor, upload=upload)
    with transaction.atomic():
        record = ImportRecord.objects.create(
            kind=kind.name,
            actor=actor,
            organization=getattr(actor, "organization", None),
            file_name=upload.name,
            checksum=upload.checksum,
            stored_path=str(path),
            dry_run=dry_run,
        )
        from portal.queue import enqueue_on_commit

        enqueue_on_commit(import_run, record.pk)
    return record


def _progress_key(record_id: int) -> str:
    return f"imports:progress:{record_id}"


def record_progress(record: ImportRecord) -> int:
    """Progress in percent: the record's (committed per batch while validating), or the writing phase's."""
    if record.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return 100
    return max(record.progress, int(cache.get(_progress_key(record.pk)) or 0))


def import_run(*, record_id: int) -> ImportRecord | None:
    """The task's body. Safe to run twice: a finished record is left alone; a rerun starts again from the file.

    First pass validates (committing progress per batch, 0–50 %); second pass writes in one transaction (50–100 %,
    reported through the cache since the transaction is not visible until it commits).
    """
    from .kinds import get_kind

    claimed = ImportRecord.objects.filter(pk=record_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]).update(
        status=ImportStatus.RUNNING
    )
    record = ImportRecord.objects.select_related("actor").filter(pk=record_id).first()
    if not claimed or record is None:
        return record
    kind = get_kind(record.kind)
    path = Path(record.stored_path)
    if kind is None or not path.exists():
        _fail(
            record,
            [
                {
                    "line": 1,
                    "field": "",
                    "message": "取り込むファイルが見つかりません。もう一度アップロードしてください。",
                }
            ],
        )
        return record
    upload = Upload(name=record.file_name, data=path.read_bytes())
    actor = record.actor
    if setwise.applies(kind, upload.data, upload.name):
        return _run_setwise(kind, upload, record, path)
    total = max(row_count(kind=kind, upload=upload), 1)

    def validating(done: int) -> None:
        ImportRecord.objects.filter(pk=record.pk).update(progress=min(49, done * 50 // total))

    def writing(done: int) -> None:
        cache.set(_progress_key(record.pk), 50 + min(49, done * 50 // total), 3600)

    try:
        try:
            table = read_table(upload.data, upload.name, kind.columns)
        except ImportFileError as exc:
            raise ImportRejected(_file_error(kind, upload, exc)) from exc
        outcome = Run(kind, ImportContext(actor=actor), on_progress=validating)(table)
        if not outcome.ok:
            raise ImportRejected(_preview_of(kind, upload, table.row_count, outcome))
        if record.dry_run:
            _finish(record, outcome, table.row_count)
        else:
            with transaction.atomic():
                _apply(kind, actor, upload, record, on_progress=writing)
    except ImportRejected as rejected:
        _rejected(record, rejected.preview)
    finally:
        cache.delete(_progress_key(record.pk))
        if not record.dry_run or record.status == ImportStatus.FAILED:
            upload_discard(path)  # a file previewed without errors stays until it is imported (or expires)
    return record


def _run_setwise(kind: ImportKind, upload: Upload, record: ImportRecord, path: Path) -> ImportRecord:
    """A large file by the set-wise path: one pass that validates and (unless a dry run) writes, in one
    transaction; a bad row rolls it all back, as in the row path's second pass."""
    try:
        if record.dry_run:
            try:
                outcome, rows = _run(kind, ImportContext(actor=record.actor), upload)
            except ImportFileError as exc:
                raise ImportRejected(_file_error(kind, upload, exc)) from exc
            if not outcome.ok:
                raise ImportRejected(_preview_of(kind, upload, rows, outcome))
            _finish(record, outcome, rows)
        else:
            with transaction.atomic():
                _apply(kind, record.actor, upload, record)
    except ImportRejected as rejected:
        _rejected(record, rejected.preview)
    finally:
        if not record.dry_run or record.status == ImportStatus.FAILED:
            upload_discard(path)
    return record


def _rejected(record: ImportRecord, preview: Preview) -> None:
    record.refresh_from_db()
    record.count_new, record.count_update = preview.totals["new"], preview.totals["update"]
    record.count_skip, record.count_error = preview.totals["skip"], preview.totals["error"]
    record.rows_total = preview.row_count
    _fail(record, preview.errors)


def _fail(record: ImportRecord, errors: list[dict[str, Any]]) -> None:
    record.status = ImportStatus.FAILED
    record.errors = errors
    record.progress = 100
    record.finished_at = timezone.now()
    record.save()
