"""Writing tables for Japanese Excel: CSV in UTF-8 with BOM (CP932 on request) and XLSX, formulas neutralized.

Any text cell starting with = + - @, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows
it as text and never executes it (django-import-export's own escaping only handles "=").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPLACEMENT = "〓"  # the geta mark: what Japanese print uses for a character that cannot be shown


def neutralize(value: Any) -> Any:
    """A cell safe to open: text starting like a formula is prefixed with an apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _cp932(text: str) -> bytes:
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp932")
        except UnicodeEncodeError:
            out += REPLACEMENT.encode("cp932")
    return bytes(out)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8") -> bytes:
    """CSV with CRLF line ends: UTF-8 with BOM (Excel reads it as UTF-8), or CP932 with 〓 for what it cannot hold."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in headers])
    for row in rows:
        writer.writerow([neutralize(v) for v in row])
    text = buffer.getvalue()
    if encoding.lower().replace("-", "_") in ("cp932", "shift_jis", "sjis", "windows_31j"):
        try:
            return text.encode("cp932")
        except UnicodeEncodeError:
            return _cp932(text)
    return "\ufeff".encode() + text.encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    """XML cannot hold control characters: each becomes the geta mark instead of failing the whole file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value) if isinstance(value, str) else value


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "data") -> bytes:
    """An XLSX workbook (streamed write-only: memory stays flat for large lists); every text cell is a string."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    sheet.append([_xlsx_cell(neutralize(h)) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(neutralize(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_response(data: bytes, *, file_stem: str, fmt: str, encoding: str = "utf-8") -> HttpResponse:
    """An attachment named `<stem>_<YYYYMMDD>.<fmt>` (RFC 6266 filename* for Japanese names)."""
    from urllib.parse import quote

    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{file_stem}_{stamp}.{fmt}"
    content_type = (
        XLSX_TYPE if fmt == "xlsx" else f"{CSV_TYPE}; charset={'shift_jis' if encoding != 'utf-8' else 'utf-8'}"
    )
    response = HttpResponse(data, content_type=content_type)
    ascii_name = name.encode("ascii", "ignore").decode() or f"export_{stamp}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


def table_file(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, fmt: str, encoding: str = "utf-8") -> bytes:
    return xlsx_bytes(headers, rows) if fmt == "xlsx" else csv_bytes(headers, rows, encoding=encoding)


def template_rows(kind: Any) -> tuple[list[str], list[list[str]]]:
    """The template of a kind: the Japanese header row (English headers are accepted too) and one example row."""
    return [c.header_ja for c in kind.columns], [[c.example for c in kind.columns]]
