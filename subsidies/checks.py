"""Checking line items against a program: category, amount, and the not-eligible list (補助対象外).

A line whose description matches a not-eligible rule is kept, with a *problem* naming the rule. The problem is
resolved by changing the line or by writing a justification the reviewer will see; an unresolved problem blocks
submitting, never saving.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import IneligibleRule, Program

MAX_LINE_AMOUNT = 100_000_000_000  # 1,000億円: no line of a municipal migration is larger
MAX_LINES = 200
_SPLIT = re.compile(r"[、,，\s]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").upper()


@dataclass(frozen=True)
class RuleMatcher:
    code: str
    title: str
    exempt: frozenset[str]
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, rule: IneligibleRule) -> RuleMatcher | None:
        parts = []
        for keyword in (k for k in _SPLIT.split(_fold(rule.keywords)) if k):
            escaped = re.escape(keyword)
            # Latin keywords (AI, RPA, PIA) match whole words only: "AI" is not in "TRAINING".
            parts.append(rf"(?<![A-Z]){escaped}(?![A-Z])" if keyword.isascii() else escaped)
        if not parts:
            return None
        exempt = frozenset(c for c in _SPLIT.split(_fold(rule.exempt_categories)) if c)
        return cls(rule.code, rule.title, exempt, re.compile("|".join(parts)))


def matchers_for(program: Program) -> list[RuleMatcher]:
    return [m for m in (RuleMatcher.of(rule) for rule in program.ineligible_rules.all()) if m is not None]


def line_problems(
    matchers: Sequence[RuleMatcher], *, category: str, description: str, justification: str
) -> list[dict]:
    """The problems of one line: each not-eligible rule its description matches, and whether it is justified."""
    text = _fold(description)
    resolved = bool((justification or "").strip())
    problems = []
    for matcher in matchers:
        if _fold(category) in matcher.exempt:
            continue
        found = matcher.pattern.search(text)
        if found:
            problems.append(
                {
                    "rule": matcher.code,
                    "keyword": found.group(0),
                    "message": _("「%(keyword)s」を含むため補助対象外の経費にあたる可能性があります：%(rule)s")
                    % {"keyword": found.group(0), "rule": matcher.title},
                    "resolved": resolved,
                }
            )
    return problems


def validate_lines(
    program: Program, lines: Iterable[Mapping[str, Any]], *, field: str = "line_items"
) -> tuple[list[dict], dict[str, list[str]]]:
    """Clean raw line dicts; return (clean lines, errors keyed `line_items[i].field`). Errors name each line."""
    categories = {c.code for c in program.categories.all()}
    clean: list[dict] = []
    errors: dict[str, list[str]] = {}
    raw = list(lines)
    if len(raw) > MAX_LINES:
        errors[field] = [_("明細は%(n)d行までです。") % {"n": MAX_LINES}]
        return [], errors
    for index, line in enumerate(raw):
        key = f"{field}[{index}]"
        n = index + 1
        category = str(line.get("category") or "").strip().upper()
        description = str(line.get("description") or "").strip()
        vendor = str(line.get("vendor") or "").strip()
        justification = str(line.get("justification") or "").strip()
        amount = line.get("amount")
        if category not in categories:
            errors[f"{key}.category"] = [
                _("%(n)d行目：経費区分「%(c)s」はこの補助事業にありません（%(choices)s）。")
                % {"n": n, "c": category or "—", "choices": "・".join(sorted(categories))}
            ]
        if not description:
            errors[f"{key}.description"] = [_("%(n)d行目：内容を入力してください。") % {"n": n}]
        elif len(description) > 200:
            errors[f"{key}.description"] = [_("%(n)d行目：内容は200文字以内で入力してください。") % {"n": n}]
        if len(vendor) > 100:
            errors[f"{key}.vendor"] = [_("%(n)d行目：契約先は100文字以内で入力してください。") % {"n": n}]
        parsed = parse_amount(amount)
        if parsed is None:
            errors[f"{key}.amount"] = [_("%(n)d行目：金額は円単位の整数で入力してください。") % {"n": n}]
        elif parsed <= 0:
            errors[f"{key}.amount"] = [_("%(n)d行目：金額は1円以上にしてください。") % {"n": n}]
        elif parsed > MAX_LINE_AMOUNT:
            errors[f"{key}.amount"] = [_("%(n)d行目：金額が大きすぎます（1行1,000億円まで）。") % {"n": n}]
        clean.append(
            {
                "category": category,
                "description": description,
                "vendor": vendor,
                "amount": parsed or 0,
                "justification": justification,
            }
        )
    return clean, errors


def parse_amount(value: Any) -> int | None:
    """An integer yen amount from an int or a string like "1,200,000" / "１２００円"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "").removesuffix("円").strip()
        if re.fullmatch(r"-?\d{1,15}", text, flags=re.ASCII):
            return int(text)
    return None
