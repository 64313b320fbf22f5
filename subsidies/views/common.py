"""Helpers shared by the claim pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portal.japanese import fiscal_year, fiscal_year_label

from ..errors import ClaimError


def fiscal_year_choices() -> list[tuple[int, str]]:
    this_year = fiscal_year(timezone.localdate())
    return [(fy, f"{fiscal_year_label(fy)}（{fy}年度）") for fy in (this_year, this_year + 1, this_year - 1)]


def attach_line_errors(formset: Any, error: ClaimError, *, field: str = "line_items") -> list[str]:
    """Put a service's `line_items[i].field` errors on the matching forms; return the ones that match no form."""
    kept = [form for form in formset.forms if not _skipped(form)]
    rest = []
    for key, messages in error.errors.items():
        if key.startswith(f"{field}[") and "]." in key:
            index_text, name = key[len(field) + 1 :].split("].", 1)
            if index_text.isdigit() and int(index_text) < len(kept) and name in kept[int(index_text)].fields:
                for message in messages:
                    kept[int(index_text)].add_error(name, message)
                continue
        rest.extend(messages)
    return rest


def _skipped(form: Any) -> bool:
    data = getattr(form, "cleaned_data", None) or {}
    return bool(data.get("DELETE")) or form.is_blank()


def formset_lines(formset: Any) -> list[dict[str, Any]]:
    """The lines a formset holds, in order, without deleted or blank rows."""
    lines = []
    for form in formset.forms:
        if _skipped(form):
            continue
        data = form.cleaned_data
        lines.append(
            {
                "category": data.get("category", ""),
                "description": data.get("description", ""),
                "vendor": data.get("vendor", ""),
                "amount": data.get("amount", ""),
                "justification": data.get("justification", ""),
            }
        )
    return lines
