"""Validating and applying one file set-wise: the same path for a 10-row file and a 100,000-row one.

Rows stream from the file in batches. Each cell goes through its Resource field's widget (one validation function
per column); then the row's own checks, the duplicate check against earlier lines and the caller's reach (the
policy layer, per row's organization). Each batch is matched against stored rows with one query, classified as
new / update / skip, and — when writing — written with one bulk statement per batch plus bulk audit entries.
The caller owns the transaction: it rolls everything back when any row was bad.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from portal import policy
from portal.audit import audit_record_many

from .files import Table
from .kinds import Change, ImportContext, ImportKind

BATCH_SIZE = 2000
MAX_ERRORS = 1000  # reported; the count of bad rows is always complete
MAX_PREVIEW_ROWS = 500


@dataclass
class Outcome:
    totals: dict[str, int] = field(default_factory=lambda: {"new": 0, "update": 0, "skip": 0, "error": 0})
    errors: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    behalf_ids: set[int] = field(default_factory=set)
    rows_done: int = 0

    @property
    def ok(self) -> bool:
        return self.totals["error"] == 0

    def error(self, line: int, field_name: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "field": field_name, "message": message})


def clean_cell(kind: ImportKind, ctx: ImportContext, column: Any, cells: dict[str, str]) -> tuple[Any, str | None]:
    """One column of one row: (value, None) or (None, message). Shared by the row path and the set-wise path."""
    value = cells.get(column.key, "")
    if value == "" and column.required:
        return None, _("%(label)sが空欄です。入力してください。") % {"label": _(column.header_ja)}
    try:
        return (kind.fields_by_column[column.key].clean(cells, context=ctx) if column.key in cells else None), None
    except ValueError as exc:
        return None, str(exc)


def _clean(kind: ImportKind, ctx: ImportContext, cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    row: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for column in kind.columns:
        value, problem = clean_cell(kind, ctx, column, cells)
        if problem is not None:
            problems.append((column.key, problem))
        else:
            row[kind.fields_by_column[column.key].attribute] = value
    return row, problems


def duplicate_message(kind: ImportKind, line: int, first: int, row: dict[str, Any]) -> str:
    return _("%(line)d行目は%(first)d行目と同じ行（%(what)s）です。重複している行はどちらか一方にしてください。") % {
        "line": line,
        "first": first,
        "what": kind.describe(row),
    }


class Run:
    """One pass over a table. A writing context (`ctx.writing`) writes each batch as soon as the file so far has
    no bad row."""

    def __init__(
        self,
        kind: ImportKind,
        ctx: ImportContext,
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.kind = kind
        self.ctx = ctx
        self.write = ctx.writing
        self.on_progress = on_progress
        self.outcome = Outcome()
        self.seen: dict[tuple[Any, ...], int] = {}

    def __call__(self, table: Table) -> Outcome:
        batch: list[tuple[int, dict[str, Any]]] = []
        for line, cells in table.rows():
            self.outcome.rows_done += 1
            row = self._check(line, cells)
            if row is not None:
                batch.append((line, row))
            if len(batch) >= BATCH_SIZE:
                self._process(batch)
                batch = []
        self._process(batch)
        return self.outcome

    def _bad(self, line: int, problems: list[tuple[str, str]]) -> None:
        self.outcome.totals["error"] += 1
        for field_name, message in problems:
            self.outcome.error(line, field_name, message)

    def _check(self, line: int, cells: dict[str, str] | str) -> dict[str, Any] | None:
        if isinstance(cells, str):
            self._bad(line, [("", cells)])
            return None
        row, problems = _clean(self.kind, self.ctx, cells)
        if problems:
            self._bad(line, problems)
            return None
        problem = self.kind.check_row(self.ctx, row)
        if problem is None and self.kind.row_action:
            decision = policy.check(self.ctx.actor, self.kind.row_action, row[self.kind.row_org_field])
            if not decision:
                problem = (self.kind.row_org_field, decision.reason)
        if problem is not None:
            self._bad(line, [problem])
            return None
        key = self.kind.key(row)
        first = self.seen.get(key)
        if first is not None:
            self._bad(line, [(self.kind.key_fields[0], duplicate_message(self.kind, line, first, row))])
            return None
        self.seen[key] = line
        return row

    def _process(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        if not batch:
            return
        kind, outcome = self.kind, self.outcome
        existing = kind.load_existing(self.ctx, [row for _line, row in batch], lock=self.write)
        new: list[tuple[int, dict[str, Any]]] = []
        changed: list[Change] = []
        for line, row in batch:
            instance = existing.get(kind.key(row))
            if instance is None:
                outcome.totals["new"] += 1
                new.append((line, row))
                self._preview(line, "new", row, {})
                continue
            diff = kind.diff(instance, row)
            if diff:
                outcome.totals["update"] += 1
                changed.append(Change(line, instance, row, diff))
                self._preview(line, "update", row, diff)
            else:
                outcome.totals["skip"] += 1
                self._preview(line, "skip", row, {})
        if kind.row_action:
            own = getattr(self.ctx.organization, "pk", None)
            for row in [r for _line, r in new] + [c.row for c in changed]:
                self._note_behalf(row.get(kind.row_org_field), own)
        if self.write and outcome.ok:
            audit_record_many(kind.write(self.ctx, new, changed))
        if self.on_progress is not None:
            self.on_progress(outcome.rows_done)

    def _note_behalf(self, org: Any, own: int | None) -> None:
        if org is not None and getattr(org, "pk", None) not in (None, own):
            self.outcome.behalf_ids.add(org.pk)

    def _preview(self, line: int, action: str, row: dict[str, Any], diff: dict[str, tuple[Any, Any]]) -> None:
        if len(self.outcome.preview) < MAX_PREVIEW_ROWS:
            self.outcome.preview.append(
                {
                    "line": line,
                    "action": action,
                    "row": self.kind.describe(row),
                    "changes": [
                        {
                            "field": self.kind.headers_by_attribute.get(name, name),
                            "before": _shown(before),
                            "after": _shown(after),
                        }
                        for name, (before, after) in diff.items()
                    ],
                }
            )


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
