"""The claims page's export: its Japanese columns, written by the shared export (portal/imports/export.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from portal.imports.export import file_response, table_file

from .models import Claim

HEADERS = [
    "ID",
    "申請団体コード",
    "申請団体",
    "都道府県",
    "補助事業",
    "年度",
    "事業名",
    "状態",
    "補助対象経費（円）",
    "申請額（円）",
    "交付決定額（円）",
    "確定額（円）",
    "文書番号",
    "提出日時",
]


def claim_rows(claims: Iterable[Claim]) -> Iterable[list[Any]]:
    for claim in claims:
        prefecture = claim.applicant.prefecture.name if claim.applicant.prefecture else claim.applicant.name
        submitted = timezone.localtime(claim.submitted_at).strftime("%Y-%m-%d %H:%M") if claim.submitted_at else ""
        yield [
            claim.pk,
            claim.applicant.slug,
            claim.applicant.name,
            prefecture,
            claim.program.name,
            claim.fiscal_year,
            claim.title,
            claim.get_status_display(),
            claim.eligible_total,
            claim.requested_amount,
            claim.decided_amount,
            claim.fixed_amount,
            claim.decision_number,
            submitted,
        ]


def export_claims(claims: QuerySet[Claim], *, fmt: str, encoding: str = "utf-8") -> HttpResponse:
    """The claims as CSV (UTF-8 with BOM, or `encoding="cp932"`) or XLSX; text that looks like a formula is quoted."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    encoding = "cp932" if encoding.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"
    data = table_file(HEADERS, claim_rows(claims.iterator(chunk_size=500)), fmt=fmt, encoding=encoding)
    return file_response(data, file_stem="claims", fmt=fmt, encoding=encoding)
