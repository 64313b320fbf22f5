"""Reading an uploaded file as municipalities really send it: CSV in UTF-8 (with or without BOM) or CP932, or XLSX.

`read_table(data, file_name, columns)` checks the header row and returns a `Table` whose `rows()` yields
`(line, {column_key: text})` — line numbers count the header as line 1, as a spreadsheet shows them. Every cell is
NFKC-normalized (全角 digits and spaces become ASCII) and stripped. Problems with the file as a whole raise
`ImportFileError` with a Japanese message saying what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 50 * 1024 * 1024
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


class ImportFileError(Exception):
    """The file as a whole cannot be read; `line` is where (1 = the header row)."""

    def __init__(self, message: str, line: int = 1, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


class HeaderSpec(Protocol):
    """What the reader needs of a column: its key (the English header), Japanese header, and whether it is required."""

    @property
    def key(self) -> str: ...

    @property
    def header_ja(self) -> str: ...

    @property
    def required(self) -> bool: ...


def normalize_cell(value: Any) -> str:
    """A cell as text: NFKC (全角 → 半角 digits, letters, spaces), stripped; numbers and dates as a person wrote them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(text: str) -> str:
    return normalize_cell(text).lower().replace(" ", "").replace("_", "")


@dataclass
class Table:
    """The rows of one file, read lazily (each `rows()` reads the file again: memory stays bounded).

    `keys[i]` is the column key of cell i ("" for a column without a header, which is ignored).
    """

    keys: list[str]
    open_records: Callable[[], Iterator[list[Any]]]
    row_count: int = 0

    def rows(self) -> Iterator[tuple[int, dict[str, str] | str]]:
        """(line, cells) per non-blank row; cells is a message (str) when the row has the wrong number of cells."""
        width = len(self.keys)
        records = self.open_records()
        next(records, None)  # the header
        for index, record in enumerate(records):
            line = index + 2
            cells = [normalize_cell(v) for v in record]
            if not any(cells):
                continue  # Excel leaves blank rows (",,,,") at the end; they mean nothing
            if len(cells) > width and any(cells[width:]):
                yield (
                    line,
                    _(
                        'この行の値の数（%(n)d）が見出しの列数（%(w)d）より多くなっています。値にカンマが含まれるときは全体を引用符（"）で囲んでください。'
                    )
                    % {"n": len(cells), "w": width},
                )
                continue
            if len(cells) < width:
                yield (
                    line,
                    _(
                        "この行の値の数（%(n)d）が見出しの列数（%(w)d）より少なくなっています。空欄の列も区切り（カンマ）を残してください。"
                    )
                    % {"n": len(cells), "w": width},
                )
                continue
            yield line, dict(zip(self.keys, cells[:width], strict=True))


def decode_csv_bytes(data: bytes) -> str:
    """BOM → UTF-8-SIG; else strict UTF-8; else strict CP932; else a Japanese error naming the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data, "utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode(data, "cp932")


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            _(
                "%(line)d行目に UTF-8 でも Shift_JIS（CP932）でも読めない文字があります。"
                "CSV（UTF-8）または Excel（.xlsx）で保存し直してください。"
            )
            % {"line": line},
            line=line,
        ) from exc
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ImportFileError(
            _("%(line)d行目に NUL 文字が含まれています。ファイルが壊れていないか確認し、保存し直してください。")
            % {"line": line},
            line=line,
        )
    return text


def _csv_records(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            _('%(line)d行目を CSV として読めませんでした（%(error)s）。引用符（"）の対応を確認してください。')
            % {"line": reader.line_num, "error": exc},
            line=reader.line_num,
        ) from exc


def _xlsx_records(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, EOFError) as exc:
        raise ImportFileError(
            _(
                "Excel ファイル（.xlsx）を開けませんでした。ファイルが壊れているか、.xlsx 形式ではありません。Excel で開いて保存し直してください。"
            )
        ) from exc
    if first is None:
        return
    yield list(first)
    width = len(first)
    try:
        for row in rows:
            cells = list(row)
            yield cells + [None] * (width - len(cells))  # a sheet has no "too few cells": empty cells are empty
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(
            _("Excel ファイル（.xlsx）の途中が壊れています。Excel で開いて保存し直してください。")
        ) from exc


def records_opener(data: bytes, file_name: str) -> Callable[[], Iterator[list[Any]]]:
    """A function giving the raw records of the file, header first. Detects the format from the bytes too."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(_("ファイルが空です。テンプレートに記入したファイルを選んでください。"))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("ファイルが大きすぎます（上限 50MB）。分割して取り込んでください。"))
    name = file_name.lower()
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise ImportFileError(_("Excel 97-2003 形式（.xls）は読めません。.xlsx または CSV で保存し直してください。"))
    if data.startswith(_XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return lambda: _xlsx_records(data)
    text = decode_csv_bytes(data)
    return lambda: _csv_records(text)


def read_table(data: bytes, file_name: str, columns: Sequence[HeaderSpec], *, count_rows: bool = True) -> Table:
    """Check the header row against `columns` (English or Japanese names) and return the table.

    `count_rows=False` skips counting (and the "no data rows" check): the set-wise path counts in SQL.
    """
    open_records = records_opener(data, file_name)
    records = open_records()
    header = next(records, None)
    if header is None or not any(normalize_cell(h) for h in header):
        raise ImportFileError(_("見出し行がありません。テンプレートの1行目（見出し）を残してください。"))
    by_name: dict[str, HeaderSpec] = {}
    for spec in columns:
        for name in (spec.key, spec.header_ja, *getattr(spec, "aliases", ())):
            by_name[_header_key(name)] = spec
    keys: list[str] = []
    seen: dict[str, int] = {}
    unknown: list[str] = []
    for position, cell in enumerate(header, start=1):
        text = normalize_cell(cell)
        if not text:
            keys.append("")
            continue
        found = by_name.get(_header_key(text))
        if found is None:
            unknown.append(text)
            continue
        if found.key in seen:
            raise ImportFileError(
                _("見出し「%(name)s」が2回あります（%(a)d列目と%(b)d列目）。どちらか一方にしてください。")
                % {"name": text, "a": seen[found.key], "b": position},
                field=found.key,
            )
        seen[found.key] = position
        keys.append(found.key)
    allowed = "、".join(f"{c.header_ja}（{c.key}）" for c in columns)
    if unknown:
        raise ImportFileError(
            _("見出し「%(names)s」はこの取り込みでは使えません。使える見出し：%(allowed)s")
            % {"names": "」「".join(unknown), "allowed": allowed},
            field=unknown[0],
        )
    missing = [c for c in columns if c.required and c.key not in seen]
    if missing:
        raise ImportFileError(
            _("必須の列「%(names)s」がありません。テンプレートの見出し行を使ってください。")
            % {"names": "」「".join(f"{c.header_ja}（{c.key}）" for c in missing)},
            field=missing[0].key,
        )
    while keys and not keys[-1]:
        keys.pop()  # trailing empty header cells (Excel)
    if not count_rows:
        return Table(keys=keys, open_records=open_records)
    row_count = sum(1 for record in records if any(normalize_cell(v) for v in record))
    if row_count == 0:
        raise ImportFileError(_("見出し行だけで、取り込むデータの行がありません。2行目から記入してください。"), line=2)
    return Table(keys=keys, open_records=open_records, row_count=row_count)
