"""`published-progress`: a new published snapshot of step-completion rates (officials only).

Rows name the month the figures are as of, the municipality, the business (empty: the overall rate) and the rate.
A snapshot (kind progress_rates, as_of) is created once; its rates are added or corrected set-wise.

Note: this kind lives here until the catalog branch lands; it then moves to catalog/resources.py unchanged.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from catalog.models import PublishedRate, PublishedSnapshot, PublishedSnapshotKind
from portal.audit import audit_snapshot
from portal.imports.kinds import (
    BUSINESS_ALIASES,
    MUNICIPALITY_ALIASES,
    Change,
    Column,
    ImportContext,
    ImportKind,
    register,
)
from portal.imports.widgets import BusinessWidget, MonthWidget, OrganizationWidget, RateWidget, TextWidget

DEFAULT_SOURCE = "総務省・デジタル庁 標準化進捗資料"


class PublishedRateResource(resources.Resource):
    as_of = fields.Field(attribute="as_of", column_name="as_of", widget=MonthWidget("時点（年月）"))
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=OrganizationWidget("団体"))
    business = fields.Field(attribute="business", column_name="business", widget=BusinessWidget("業務"))
    rate = fields.Field(attribute="rate", column_name="rate", widget=RateWidget("完了率"))
    source = fields.Field(attribute="source", column_name="source", widget=TextWidget("出典", 400))


@register
class PublishedProgress(ImportKind):
    name = "published-progress"
    label = _("公表された進捗（完了率）")
    description = _("国が公表した市区町村ごと・業務ごとの作業手順の完了率を、新しい公表データとして取り込みます。")
    action = "imports.national_data"
    resource_class = PublishedRateResource
    columns = [
        Column("as_of", "時点", "2026-01", help="公表値の対象月"),
        Column("municipality", "団体", "205419", aliases=MUNICIPALITY_ALIASES),
        Column(
            "business", "業務", "resident_registry", required=False, help="空欄は全体の完了率", aliases=BUSINESS_ALIASES
        ),
        Column("rate", "完了率", "0.65", help="0〜1 または 65%"),
        Column("source", "出典", DEFAULT_SOURCE, required=False),
    ]
    key_fields = ("as_of", "municipality", "business")

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['as_of']:%Y-%m} {row['municipality']} {row.get('business') or '全体'}"

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        snapshots = {
            s.pk: s
            for s in PublishedSnapshot.objects.filter(
                kind=PublishedSnapshotKind.PROGRESS_RATES, as_of__in={r["as_of"] for r in rows}
            )
        }
        queryset = PublishedRate.objects.filter(
            snapshot__in=snapshots, municipality_id__in={r["municipality"].pk for r in rows}
        )
        if lock:
            queryset = queryset.select_for_update()
        wanted = {self.key(r) for r in rows}
        found = {}
        for rate in queryset:
            key = (snapshots[rate.snapshot_id].as_of, rate.municipality_id, rate.business_id)
            if key in wanted:
                found[key] = rate
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["rate"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        snapshots: dict[Any, PublishedSnapshot] = ctx.maps.setdefault("snapshots", {})
        created = []
        for _line, row in new:
            snapshot = snapshots.get(row["as_of"])
            if snapshot is None:
                snapshot, _created = PublishedSnapshot.objects.get_or_create(
                    kind=PublishedSnapshotKind.PROGRESS_RATES,
                    as_of=row["as_of"],
                    defaults={"source": row.get("source") or DEFAULT_SOURCE},
                )
                snapshots[row["as_of"]] = snapshot
            created.append(
                PublishedRate(
                    snapshot=snapshot, municipality=row["municipality"], business=row.get("business"), rate=row["rate"]
                )
            )
        PublishedRate.objects.bulk_create(created, batch_size=1000)
        entries = [self._entry(ctx, rate, None) for rate in created]
        for change in changed:
            before = audit_snapshot(change.instance, ["rate"])
            change.instance.rate = change.row["rate"]
            entries.append(self._entry(ctx, change.instance, before))
        PublishedRate.objects.bulk_update([c.instance for c in changed], ["rate"], batch_size=1000)
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, rate: PublishedRate, before: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "actor": ctx.actor,
            "target": rate,
            "action": "import",
            "before": before,
            "after": audit_snapshot(rate, ["snapshot", "municipality", "business", "rate"]),
            "comment": ctx.audit_comment,
        }
