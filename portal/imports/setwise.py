"""The large-file path on PostgreSQL: COPY the file into a staging table, validate set-wise, write with one upsert.

Why: a 100,000-row file through the row path spends its time turning each cell into Python objects. Here the file
is copied as text into a temporary table; each *distinct* cell value (a few hundred: codes, business names, step
numbers, states, months) is cleaned once by the same widget and the same `clean_cell` as the row path, so every
message is the row path's by construction; the reach (policy) is asked once per organization; duplicates are found
with a window function. Then the kind writes the valid rows with a few set-wise statements (and its audit entries
with one INSERT … SELECT). Rows and errors come out in line order, as the row path gives them.

`run()` returns None when the file does not suit COPY (an Excel file, an unnamed or multi-line header, a row whose
cell count differs from the header's, a COPY end marker): the caller then uses the row path, which reports such
rows exactly. Which path a file takes never changes the result (tests/imports/test_steps_corpus.py runs both).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from portal import policy

from .engine import MAX_ERRORS, Outcome, clean_cell, duplicate_message
from .files import ImportFileError, decode_csv_bytes, normalize_cell, read_table
from .kinds import ImportContext, ImportKind


def applies(kind: ImportKind, data: bytes, file_name: str) -> bool:
    """PostgreSQL, a kind with a set-wise writer, a CSV file with more lines than IMPORT_SETWISE_ROWS."""
    if connection.vendor != "postgresql" or not getattr(kind, "setwise", False):
        return False
    if file_name.lower().endswith((".xlsx", ".xlsm", ".xls")) or data.startswith((b"PK\x03\x04", b"\xd0\xcf")):
        return False
    threshold = settings.IMPORT_SETWISE_ROWS
    return data.count(b"\n") > threshold


def run(
    kind: Any, ctx: ImportContext, data: bytes, file_name: str, on_progress: Callable[[int], None] | None = None
) -> tuple[Outcome, int] | None:
    """Validate (and, when `ctx.writing`, write) the file; (outcome, row count), or None for the row path.

    Raises ImportFileError for whole-file problems, as `read_table` does. Runs inside the caller's transaction.
    """
    table = read_table(data, file_name, kind.columns, count_rows=False)
    text = decode_csv_bytes(data)
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    if "" in table.keys or len(header) != len(table.keys) or any("\n" in h or "\r" in h for h in header):
        return None
    if "\\." in text:
        return None
    with connection.cursor() as cursor:
        _drop(cursor)
        names = ", ".join(f"c{i} text" for i in range(len(header)))
        cursor.execute(f"CREATE TEMP TABLE import_rows (line bigint GENERATED ALWAYS AS IDENTITY (START 2), {names})")
        columns = ", ".join(f"c{i}" for i in range(len(header)))
        try:
            with (
                transaction.atomic(),
                cursor.cursor.copy(
                    f"COPY import_rows ({columns}) FROM STDIN (FORMAT csv, HEADER true, FORCE_NOT_NULL ({columns}))"
                ) as copy,
            ):
                copy.write(text)
        except (DatabaseError, psycopg.Error):  # the raw cursor's COPY raises psycopg's own errors
            _drop(cursor)
            return None
        cursor.execute("ANALYZE import_rows")  # a temp table has no statistics: without them the joins nest
        try:
            return _validate_and_write(kind, ctx, cursor, table.keys, on_progress)
        finally:
            _drop(cursor)


def _drop(cursor: Any) -> None:
    cursor.execute("DROP TABLE IF EXISTS import_rows, import_clean, import_valid, import_plan")
    cursor.execute(
        "SELECT string_agg(quote_ident(relname), ', ') FROM pg_class "
        "WHERE relname LIKE 'import\\_map\\_%%' AND relpersistence = 't' AND pg_table_is_visible(oid)"
    )
    maps = cursor.fetchone()[0]
    if maps:
        cursor.execute(f"DROP TABLE {maps}")


def _map_column(
    kind: Any, ctx: ImportContext, cursor: Any, keys: list[str], column: Any, objects: dict[str, dict[int, Any]]
) -> str:
    """Clean each distinct value of one column once; a temp table import_map_<i> (raw, raw2, blank, ref, val, err,
    reach). Returns the join condition with import_rows."""
    i = keys.index(column.key)
    depends = kind.setwise_depends.get(column.key)
    j = keys.index(depends) if depends in keys else None
    other = f"c{j}" if j is not None else "''"
    cursor.execute(f"SELECT DISTINCT c{i}, {other} FROM import_rows")  # noqa: S608 - column numbers
    attribute = kind.fields_by_column[column.key].attribute
    rows = []
    for raw, raw2 in cursor.fetchall():
        cells = {column.key: normalize_cell(raw)}
        if j is not None:
            cells[depends] = normalize_cell(raw2)
        value, problem = clean_cell(kind, ctx, column, cells)
        ref = getattr(value, "pk", None)
        if ref is not None:
            objects.setdefault(attribute, {})[ref] = value
        reach = None
        if problem is None and value is not None and kind.row_action and attribute == kind.row_org_field:
            decision = policy.check(ctx.actor, kind.row_action, value)
            reach = None if decision else str(decision.reason)
        val = (
            None
            if ref is not None or value is None
            else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        )
        rows.append((raw, raw2, cells[column.key] == "", ref, val, problem, reach))
    cursor.execute(
        f"CREATE TEMP TABLE import_map_{i} (raw text, raw2 text, blank bool, ref bigint, val text, err text, reach text)"
    )
    with cursor.cursor.copy(f"COPY import_map_{i} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"ANALYZE import_map_{i}")
    return f"m{i}.raw = r.c{i} AND m{i}.raw2 = {'r.c' + str(j) if j is not None else chr(39) * 2}"


def _validate_and_write(
    kind: Any, ctx: ImportContext, cursor: Any, keys: list[str], on_progress: Callable[[int], None] | None
) -> tuple[Outcome, int]:
    objects: dict[str, dict[int, Any]] = {}
    present = [c for c in kind.columns if c.key in keys]
    joins = []
    for column in present:
        condition = _map_column(kind, ctx, cursor, keys, column, objects)
        i = keys.index(column.key)
        joins.append(f"JOIN import_map_{i} m{i} ON {condition}")
    ms = [f"m{keys.index(c.key)}" for c in present]
    values = []
    for column in present:
        attribute = kind.fields_by_column[column.key].attribute
        m = ms[present.index(column)]
        values.append(f"{m}.ref AS {attribute}" if attribute in kind.setwise_refs else f"{m}.val AS {attribute}")
    for column in kind.columns:
        if column not in present:  # an optional column the file leaves out: empty, as in the row path
            attribute = kind.fields_by_column[column.key].attribute
            values.append(f"NULL::{'bigint' if attribute in kind.setwise_refs else 'text'} AS {attribute}")
    org_map = next(
        (m for c, m in zip(present, ms, strict=True) if kind.fields_by_column[c.key].attribute == kind.row_org_field),
        "NULL",
    )
    reach = f"{org_map}.reach" if org_map != "NULL" else "NULL"
    cursor.execute(
        f"CREATE TEMP TABLE import_clean AS SELECT r.line, ARRAY[{', '.join(m + '.err' for m in ms)}] AS errs, "  # noqa: S608 - names are the kind's
        f"{' AND '.join(m + '.err IS NULL' for m in ms)} AS ok, {reach} AS reach, {', '.join(values)} "
        f"FROM import_rows r {' '.join(joins)} WHERE NOT ({' AND '.join(m + '.blank' for m in ms)})"
    )
    key = ", ".join(kind.key_fields)
    cursor.execute(
        f"CREATE TEMP TABLE import_valid AS SELECT *, min(line) OVER (PARTITION BY {key}) AS first "  # noqa: S608 - names are the kind's
        "FROM import_clean WHERE ok AND reach IS NULL"
    )
    cursor.execute("SELECT count(*) FROM import_clean")
    row_count = cursor.fetchone()[0]
    if row_count == 0:
        raise ImportFileError(_("見出し行だけで、取り込むデータの行がありません。2行目から記入してください。"), line=2)
    outcome = Outcome()
    outcome.rows_done = row_count
    _collect_errors(kind, cursor, outcome, present, objects)
    new, update, skip = kind.setwise_count(cursor, lock=ctx.writing)
    outcome.totals.update({"new": new, "update": update, "skip": skip})
    outcome.preview = kind.setwise_preview(cursor, objects)
    if ctx.writing and outcome.ok:
        outcome.behalf_ids = kind.setwise_write(ctx, cursor)
    elif kind.row_action:
        outcome.behalf_ids = kind.setwise_behalf(ctx, cursor)
    if on_progress is not None:
        on_progress(row_count)
    return outcome, row_count


def _collect_errors(
    kind: Any, cursor: Any, outcome: Outcome, present: list[Any], objects: dict[str, dict[int, Any]]
) -> None:
    cursor.execute(
        "SELECT (SELECT count(*) FROM import_clean WHERE NOT ok OR reach IS NOT NULL)"
        " + (SELECT count(*) FROM import_valid WHERE first < line)"
    )
    outcome.totals["error"] = cursor.fetchone()[0]
    if not outcome.totals["error"]:
        return
    refs = ", ".join(kind.key_fields)
    cursor.execute(
        f"SELECT line, errs, reach, NULL, {', '.join('NULL' for _f in kind.key_fields)} FROM import_clean "  # noqa: S608 - names are the kind's
        f"WHERE NOT ok OR reach IS NOT NULL UNION ALL SELECT line, NULL, NULL, first, {refs} FROM import_valid "
        f"WHERE first < line ORDER BY 1 LIMIT %s",
        [MAX_ERRORS],
    )
    org_field = next((c.key for c in present if kind.fields_by_column[c.key].attribute == kind.row_org_field), "")
    for line, errs, reach, first, *key in cursor.fetchall():
        if errs is not None and any(e is not None for e in errs):
            for column, message in zip(present, errs, strict=True):
                if message is not None:
                    outcome.error(line, column.key, message)
        elif reach is not None:
            outcome.error(line, org_field, reach)
        else:
            row = {f: objects.get(f, {}).get(v, v) for f, v in zip(kind.key_fields, key, strict=True)}
            outcome.error(line, kind.key_fields[0], duplicate_message(kind, line, first, row))
