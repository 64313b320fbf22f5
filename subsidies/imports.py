"""CSV imports of the per-organization cap table (補助上限額) and fiscal-year budgets.

Files arrive as UTF-8, UTF-8 with BOM or CP932 (Excel). A dry run reports what would change; a real run
changes all rows or none. Line numbers count the header as line 1. Only officials of the program's owning
ministry (or a portal administrator) may import for a program.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from portal import policy
from portal.audit import audit_record_many
from portal.japanese import is_valid_code

from .checks import parse_amount
from .models import OrganizationCap, Program, ProgramBudget


@dataclass
class ImportResult:
    dry_run: bool
    totals: dict[str, int] = field(default_factory=lambda: {"new": 0, "update": 0, "skip": 0, "error": 0})
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int, name: str, message: str) -> None:
        self.errors.append({"line": line, "field": name, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "totals": self.totals, "errors": self.errors}


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）。"))


Change = tuple[Any, dict[str, Any], dict[str, Any] | None]  # (row object, new values, old values or None)


def _program(
    code: str, actor: Any, line: int, result: ImportResult, cache: dict[str, Program | None]
) -> Program | None:
    if code not in cache:
        cache[code] = Program.objects.filter(code=code).first()
    program = cache[code]
    if program is None:
        result.error(line, "program", _("補助事業「%(code)s」はありません。") % {"code": code})
        return None
    decision = policy.check(actor, "subsidies.change_organizationcap", program)
    if not decision:
        result.error(line, "program", decision.reason)
        return None
    return program


def _cap_row(row: dict[str, str], line: int, actor: Any, result: ImportResult, cache: dict[str, Any]) -> Change | None:
    from portal.models import Organization

    code = (row.get("organization") or "").strip()
    program = _program((row.get("program") or "").strip(), actor, line, result, cache)
    cap = parse_amount(row.get("cap") or "")
    organization = Organization.objects.filter(slug=code).first() if is_valid_code(code) else None
    ok = True
    if organization is None:
        result.error(line, "organization", _("団体コード「%(code)s」が正しくありません。") % {"code": code})
        ok = False
    if cap is None or cap < 0:
        result.error(line, "cap", _("補助上限額は0以上の円単位の整数で入力してください。"))
        ok = False
    if program is not None and not program.uses_organization_caps:
        result.error(line, "program", _("この補助事業は団体ごとの補助上限額を使いません。"))
        ok = False
    if not ok or program is None or cap is None:
        return None
    existing = OrganizationCap.objects.filter(organization=organization, program=program).first()
    if existing is not None and cap < existing.granted:
        result.error(
            line,
            "cap",
            _("交付決定済みの額（%(granted)s円）より小さくできません。") % {"granted": f"{existing.granted:,}"},
        )
        return None
    if existing is None:
        return OrganizationCap(organization=organization, program=program, cap=cap), {"cap": cap}, None
    return existing, {"cap": cap}, {"cap": existing.cap}


def _budget_row(
    row: dict[str, str], line: int, actor: Any, result: ImportResult, cache: dict[str, Any]
) -> Change | None:
    program = _program((row.get("program") or "").strip(), actor, line, result, cache)
    fiscal_year = parse_amount(row.get("fiscal_year") or "")
    budget = parse_amount(row.get("budget") or "")
    label = (row.get("label") or "").strip()[:100]
    ok = program is not None
    if fiscal_year is None or not 2000 <= fiscal_year <= 2100:
        result.error(line, "fiscal_year", _("年度は西暦の4桁で入力してください（例：2026）。"))
        ok = False
    if budget is None or budget < 0:
        result.error(line, "budget", _("予算額は0以上の円単位の整数で入力してください。"))
        ok = False
    if not ok or fiscal_year is None or budget is None:
        return None
    existing = ProgramBudget.objects.filter(program=program, fiscal_year=fiscal_year).first()
    if existing is not None and budget < existing.reserved:
        result.error(
            line,
            "budget",
            _("交付決定済みの額（%(reserved)s円）より小さくできません。") % {"reserved": f"{existing.reserved:,}"},
        )
        return None
    values = {"budget": budget, "label": label}
    if existing is None:
        return ProgramBudget(program=program, fiscal_year=fiscal_year, **values), values, None
    return existing, values, {"budget": existing.budget, "label": existing.label}


KINDS: dict[str, tuple[list[str], Callable[..., Change | None]]] = {
    "caps": (["organization", "program", "cap"], _cap_row),
    "budgets": (["program", "fiscal_year", "budget"], _budget_row),
}


def import_csv(*, kind: str, data: bytes, actor: Any, dry_run: bool) -> ImportResult:
    """Check every row of a CSV file of `kind` ("caps" or "budgets"); apply them all unless dry_run or any is bad."""
    required, handler = KINDS[kind]
    result = ImportResult(dry_run=dry_run)
    try:
        reader = csv.DictReader(io.StringIO(decode(data)))
        headers = reader.fieldnames or []
    except ValueError as exc:
        result.error(1, "", str(exc))
        result.totals["error"] = 1
        return result
    missing = [name for name in required if name not in headers]
    if missing:
        result.error(1, ",".join(missing), _("見出し行に必要な列がありません：%(cols)s") % {"cols": ", ".join(missing)})
        result.totals["error"] = 1
        return result
    changes: list[Change] = []
    cache: dict[str, Any] = {}
    for line, row in enumerate(reader, start=2):
        errors_before = len(result.errors)
        change = handler(row, line, actor, result, cache)
        if len(result.errors) > errors_before or change is None:
            result.totals["error"] += 1
            continue
        obj, new, old = change
        if old is not None and all(old.get(k) == v for k, v in new.items()):
            result.totals["skip"] += 1
            continue
        result.totals["new" if old is None else "update"] += 1
        changes.append(change)
    if dry_run or result.errors:
        return result
    with transaction.atomic():
        audit = []
        for obj, new, old in changes:
            for name, value in new.items():
                setattr(obj, name, value)
            obj.save()
            audit.append({"actor": actor, "target": obj, "action": f"import.{kind}", "before": old, "after": new})
        audit_record_many(audit)
    return result
