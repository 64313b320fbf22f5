"""Claim lists as files that open correctly in Japanese Excel, with formulas neutralized."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from .models import Claim

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def neutralize(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def claim_rows(claims: Iterable[Claim]) -> Iterable[list[Any]]:
    for claim in claims:
        prefecture = claim.applicant.prefecture.name if claim.applicant.prefecture else claim.applicant.name
        submitted = timezone.localtime(claim.submitted_at).strftime("%Y-%m-%d %H:%M") if claim.submitted_at else ""
        yield [
            neutralize(value)
            for value in (
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
                claim.decided_amount if claim.decided_amount is not None else "",
                claim.fixed_amount if claim.fixed_amount is not None else "",
                claim.decision_number,
                submitted,
            )
        ]


def export_claims(claims: QuerySet[Claim], *, fmt: str, encoding: str = "utf-8") -> HttpResponse:
    """The claims as CSV (UTF-8 with BOM, or `encoding="cp932"` for Shift_JIS) or XLSX."""
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "交付申請"
        sheet.append(HEADERS)
        for row in claim_rows(claims.iterator(chunk_size=500)):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(claim_rows(claims.iterator(chunk_size=500)))
    if encoding == "cp932":
        # Shift_JIS for older Excel; a character it lacks becomes "?" rather than failing the download.
        body = text.getvalue().encode("cp932", errors="replace")
        response = HttpResponse(body, content_type="text/csv; charset=Shift_JIS")
    else:
        # UTF-8 with BOM: Japanese Excel opens it without garbling.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.csv"'
    return response
