"""Checks on uploaded files: size, and the type read from the content, not trusted from the name."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import ClaimInvalid

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ALLOWED_LABEL = "PDF・Excel（xlsx）・Word（docx）・CSV・PNG・JPEG"


def _invalid(message: str) -> ClaimInvalid:
    return ClaimInvalid(message, {"file": [message]})


def _zip_has(upload: UploadedFile, prefix: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(prefix) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    # The head may cut a multi-byte character in two; accept when all but the last 3 bytes decode.
    return any(_decodes(head[:-cut]) for cut in (1, 2, 3))


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def check_upload(upload: UploadedFile) -> str:
    """The content type of an acceptable upload; ClaimInvalid (400) naming the reason otherwise."""
    size = upload.size or 0
    if size == 0:
        raise _invalid(_("空のファイルは添付できません。"))
    if size > MAX_UPLOAD_BYTES:
        raise _invalid(_("ファイルが大きすぎます（10MBまで）。"))
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise _invalid(_("添付できるのは %(types)s のファイルです。") % {"types": ALLOWED_LABEL})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    ok = {
        ".pdf": head.startswith(b"%PDF-"),
        ".png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        ".jpg": head.startswith(b"\xff\xd8\xff"),
        ".jpeg": head.startswith(b"\xff\xd8\xff"),
        ".xlsx": head.startswith(b"PK\x03\x04") and _zip_has(upload, "xl/"),
        ".docx": head.startswith(b"PK\x03\x04") and _zip_has(upload, "word/"),
        ".csv": _looks_like_text(head),
    }[suffix]
    if not ok:
        raise _invalid(_("ファイルの中身が拡張子（%(suffix)s）と一致しません。") % {"suffix": suffix})
    return CONTENT_TYPES[suffix]
