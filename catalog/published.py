"""Loading the published figures: step-completion rates (総務省, 2026-01) and the 特定移行支援システム list (2025-12).

`load_published_figures` keeps each file as a PublishedSnapshot with its as-of month and source, stores its rows
(PublishedRate, DesignatedSystem — so the published total of 8,956 systems is reproduced), and derives every
municipality's MigrationStatus per standardized business by the rule of DESIGN.md:

    migrated when the rate is 1.0; else designated_hard when the list flags that business for that municipality;
    else not_started at 0 and migrating above 0.

It is atomic (a bad row changes nothing) and idempotent, and never overwrites a `reported` status: a municipality's
own later entry stands until it reports again.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.audit import audit_record
from portal.japanese import is_valid_code
from portal.models import Organization, OrganizationKind

from .business_areas import load_business_areas, standardized_businesses
from .models import (
    BusinessArea,
    DesignatedSystem,
    MigrationStatus,
    MigrationStatusValue,
    PublishedRate,
    PublishedSnapshot,
    PublishedSnapshotKind,
    Source,
)

PUBLISHED_DIR = Path(settings.BASE_DIR) / "fixtures" / "published"
PROGRESS_CSV = PUBLISHED_DIR / "standardization_progress_by_municipality_2026_01.csv"
DESIGNATED_CSV = PUBLISHED_DIR / "specific_migration_support_systems_2025_12.csv"
PROGRESS_AS_OF = dt.date(2026, 1, 1)
DESIGNATED_AS_OF = dt.date(2025, 12, 1)
PROGRESS_SOURCE = (
    "総務省「地方公共団体情報システムの標準化に関する進捗状況」令和8年1月（作業手順の完了率）。"
    "第三者（tadashikudo-reraflow/gcportal）が公式Excelから抽出したデータを加工して作成"
)
DESIGNATED_SOURCE = (
    "デジタル庁「特定移行支援システムの該当見込み一覧」令和7年12月末時点。"
    "第三者（tadashikudo-reraflow/gcportal）が公式Excelから抽出したデータを加工して作成"
)
BATCH = 2000


class PublishedLoadError(ValueError):
    """A row of a published file is wrong; the message names the file, line and value."""


@dataclass
class PublishedLoadResult:
    rates: int
    designated_systems: int
    statuses_created: int
    statuses_updated: int
    statuses_kept_reported: int


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(index + 2, row) for index, row in enumerate(csv.DictReader(handle))]


def _organization(path: Path, line: int, code: str, orgs: dict[str, Organization]) -> Organization:
    if not is_valid_code(code):
        raise PublishedLoadError(f"{path.name} {line}行目: 団体コード「{code}」が正しくありません。")
    org = orgs.get(code)
    if org is None:
        raise PublishedLoadError(f"{path.name} {line}行目: 団体コード「{code}」の団体が登録されていません。")
    return org


def _rate(path: Path, line: int, column: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise PublishedLoadError(f"{path.name} {line}行目 {column}: 「{text}」は数値ではありません。") from None
    if not Decimal(0) <= value <= Decimal(1):
        raise PublishedLoadError(f"{path.name} {line}行目 {column}: 完了率は0から1の間で指定してください。")
    return value.quantize(Decimal("0.0001"))


def derive_status(rate: Decimal, designated: bool) -> str:
    """DESIGN.md's rule from a published rate and the 特定移行支援システム flag."""
    if rate >= 1:
        return MigrationStatusValue.MIGRATED
    if designated:
        return MigrationStatusValue.DESIGNATED_HARD
    if rate == 0:
        return MigrationStatusValue.NOT_STARTED
    return MigrationStatusValue.MIGRATING


def _load_designated(
    path: Path, orgs: dict[str, Organization], businesses: list[BusinessArea]
) -> tuple[PublishedSnapshot, list[DesignatedSystem]]:
    snapshot, _created = PublishedSnapshot.objects.update_or_create(
        kind=PublishedSnapshotKind.DESIGNATED_SYSTEMS, as_of=DESIGNATED_AS_OF, defaults={"source": DESIGNATED_SOURCE}
    )
    # Planned years entered since the last load survive a re-load.
    planned = {
        (d.organization_id, d.business_id): d.planned_fiscal_year
        for d in DesignatedSystem.objects.filter(snapshot=snapshot, planned_fiscal_year__isnull=False)
    }
    rows: list[DesignatedSystem] = []
    for line, row in _read(path):
        org = _organization(path, line, row["code"], orgs)
        flagged: list[BusinessArea | None] = [b for b in businesses if row.get(f"has_{b.slug}", "0").strip() == "1"]
        if row.get("has_common_functions", "0").strip() == "1":
            flagged.append(None)
        if str(len(flagged)) != row.get("applicable_count", "").strip():
            raise PublishedLoadError(
                f"{path.name} {line}行目: 該当数 {row.get('applicable_count')} と業務ごとの該当の合計 {len(flagged)} が一致しません。"
            )
        for business in flagged:
            key = (org.pk, business.pk if business else None)
            rows.append(
                DesignatedSystem(
                    snapshot=snapshot,
                    organization=org,
                    business=business,
                    category=row.get("category_ja", "")[:20],
                    planned_fiscal_year=planned.get(key),
                )
            )
    DesignatedSystem.objects.filter(snapshot=snapshot).delete()
    DesignatedSystem.objects.bulk_create(rows, batch_size=BATCH)
    return snapshot, rows


@transaction.atomic
def load_published_figures(
    *, progress_path: Path = PROGRESS_CSV, designated_path: Path = DESIGNATED_CSV
) -> PublishedLoadResult:
    """Load both published files and derive the statuses. Atomic, idempotent, keeps `reported` rows."""
    if BusinessArea.objects.filter(is_standardized=True).count() < 20:
        load_business_areas()
    businesses = standardized_businesses()
    orgs = {
        o.code: o
        for o in Organization.objects.filter(kind__in=[OrganizationKind.MUNICIPALITY, OrganizationKind.PREFECTURE])
        if o.code
    }
    designated_snapshot, designated_rows = _load_designated(designated_path, orgs, businesses)
    flagged = {(d.organization_id, d.business_id) for d in designated_rows if d.business_id is not None}

    progress, _created = PublishedSnapshot.objects.update_or_create(
        kind=PublishedSnapshotKind.PROGRESS_RATES, as_of=PROGRESS_AS_OF, defaults={"source": PROGRESS_SOURCE}
    )
    rates: list[PublishedRate] = []
    wanted: dict[tuple[int, int], tuple[str, Decimal]] = {}
    for line, row in _read(progress_path):
        org = _organization(progress_path, line, row["code"], orgs)
        if org.kind != OrganizationKind.MUNICIPALITY:
            raise PublishedLoadError(f"{progress_path.name} {line}行目: 「{row['code']}」は市区町村ではありません。")
        rates.append(
            PublishedRate(
                snapshot=progress,
                municipality=org,
                business=None,
                rate=_rate(progress_path, line, "overall_rate", row["overall_rate"]),
            )
        )
        for business in businesses:
            column = f"rate_{business.slug}"
            rate = _rate(progress_path, line, column, row.get(column, ""))
            rates.append(PublishedRate(snapshot=progress, municipality=org, business=business, rate=rate))
            wanted[(org.pk, business.pk)] = (derive_status(rate, (org.pk, business.pk) in flagged), rate)
    PublishedRate.objects.filter(snapshot=progress).delete()
    PublishedRate.objects.bulk_create(rates, batch_size=BATCH)

    created, updated, kept = _apply_statuses(wanted)
    for snapshot, count in ((progress, len(rates)), (designated_snapshot, len(designated_rows))):
        audit_record(actor=None, target=snapshot, action="load_published", after={"rows": count})
    return PublishedLoadResult(len(rates), len(designated_rows), created, updated, kept)


def _apply_statuses(wanted: dict[tuple[int, int], tuple[str, Decimal]]) -> tuple[int, int, int]:
    existing = {
        (s.municipality_id, s.business_id): s
        for s in MigrationStatus.objects.only(
            "id", "municipality_id", "business_id", "status", "step_completion", "source", "version"
        )
    }
    to_create: list[MigrationStatus] = []
    to_update: list[MigrationStatus] = []
    kept = 0
    for (org_id, business_id), (status, rate) in wanted.items():
        row = existing.get((org_id, business_id))
        if row is None:
            to_create.append(
                MigrationStatus(
                    municipality_id=org_id,
                    business_id=business_id,
                    status=status,
                    step_completion=rate,
                    source=Source.PUBLISHED,
                )
            )
        elif row.source == Source.REPORTED:
            kept += 1
        elif row.status != status or row.step_completion != rate:
            row.status = status
            row.step_completion = rate
            row.version += 1
            to_update.append(row)
    MigrationStatus.objects.bulk_create(to_create, batch_size=BATCH)
    MigrationStatus.objects.bulk_update(to_update, ["status", "step_completion", "version"], batch_size=BATCH)
    return len(to_create), len(to_update), kept


def latest_snapshot(kind: str) -> PublishedSnapshot | None:
    return PublishedSnapshot.objects.filter(kind=kind).order_by("-as_of").first()
