"""`migration-status`: a municipality's statuses of the 20 standardized businesses, entered by the municipality or
by its prefecture on its behalf. Each imported value becomes the current one with source `reported` and a new
`version`; the published value stays in the audit history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from catalog.models import MigrationStatus, MigrationStatusValue, Source
from catalog.reporting import FIRST_PLANNED_YEAR, LAST_PLANNED_YEAR, designated_plans_sync
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
from portal.imports.widgets import (
    BooleanWidget,
    BusinessWidget,
    ChoiceWidget,
    FiscalYearWidget,
    OrganizationWidget,
    TextWidget,
)

VALUE_FIELDS = ["status", "planned_fiscal_year", "vendor_name", "on_gov_cloud"]
AUDITED = [*VALUE_FIELDS, "source", "version"]


class MigrationStatusResource(resources.Resource):
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=OrganizationWidget("団体"))
    business = fields.Field(attribute="business", column_name="business", widget=BusinessWidget("業務"))
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceWidget("進捗", MigrationStatusValue))
    planned_fiscal_year = fields.Field(
        attribute="planned_fiscal_year",
        column_name="planned_fiscal_year",
        widget=FiscalYearWidget("移行予定年度", minimum=FIRST_PLANNED_YEAR, maximum=LAST_PLANNED_YEAR),
    )
    vendor_name = fields.Field(attribute="vendor_name", column_name="vendor", widget=TextWidget("事業者", 200))
    on_gov_cloud = fields.Field(
        attribute="on_gov_cloud", column_name="on_gov_cloud", widget=BooleanWidget("ガバメントクラウド利用")
    )


@register
class MigrationStatusImport(ImportKind):
    name = "migration-status"
    label = _("標準化の進捗")
    description = _(
        "市区町村ごと・業務ごとの標準化の進捗を取り込みます。都道府県は管内の市区町村の分を代理で取り込めます（代理入力として記録されます）。"
    )
    action = "imports.municipal_data"
    row_action = "imports.municipal_row"
    resource_class = MigrationStatusResource
    columns = [
        Column("municipality", "団体", "205419", help="団体コード（6桁）または団体名", aliases=MUNICIPALITY_ALIASES),
        Column(
            "business",
            "業務",
            "resident_registry",
            help="業務コード（B01〜B20）、識別子、または業務名",
            aliases=BUSINESS_ALIASES,
        ),
        Column("status", "進捗", "migrating", help="未着手・準備中・移行中・移行完了・特定移行支援システム"),
        Column("planned_fiscal_year", "移行予定年度", "2026", required=False, help="西暦または和暦（令和8年度）"),
        Column("vendor", "事業者", "株式会社サンプル", required=False),
        Column("on_gov_cloud", "ガバメントクラウド利用", "yes", required=False, help="yes / no"),
    ]
    key_fields = ("municipality", "business")

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['municipality']} {row['business']}"

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        """As the form: a 特定移行支援システム needs its planned year (it goes into the published list)."""
        if row["status"] == MigrationStatusValue.DESIGNATED_HARD and row.get("planned_fiscal_year") is None:
            return ("planned_fiscal_year", gettext("特定移行支援システムは移行予定年度を入力してください。"))
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        municipalities = {r["municipality"].pk for r in rows}
        queryset = MigrationStatus.objects.filter(Q(municipality_id__in=municipalities))
        if lock:
            queryset = queryset.select_for_update()
        wanted = {self.key(r) for r in rows}
        found = {}
        orgs, areas = ctx.organizations.by_id, {a.pk: a for a in ctx.businesses.values()}
        for status in queryset:
            key = (status.municipality_id, status.business_id)
            if key in wanted:
                status.municipality = orgs[status.municipality_id]
                status.business = areas.get(status.business_id) or status.business
                found[key] = status
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        changes = self.diff_fields(instance, row, VALUE_FIELDS)
        if changes and instance.source != Source.REPORTED:
            changes["source"] = (instance.source, Source.REPORTED)
        return changes

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        now = timezone.now()
        entries = []
        own = ctx.organization
        created = [
            MigrationStatus(
                municipality=row["municipality"],
                business=row["business"],
                status=row["status"],
                planned_fiscal_year=row.get("planned_fiscal_year"),
                vendor_name=row.get("vendor_name") or "",
                on_gov_cloud=row.get("on_gov_cloud"),
                source=Source.REPORTED,
                version=1,
            )
            for _line, row in new
        ]
        MigrationStatus.objects.bulk_create(created, batch_size=1000)
        for status in created:
            entries.append(self._entry(ctx, status, None, own))
        for change in changed:
            status = change.instance
            before = audit_snapshot(status, AUDITED)
            for name in VALUE_FIELDS:
                if name in change.fields:
                    setattr(status, name, change.fields[name][1])
            status.source = Source.REPORTED
            status.version += 1
            status.updated_at = now
            entries.append(self._entry(ctx, status, before, own))
        MigrationStatus.objects.bulk_update([c.instance for c in changed], [*AUDITED, "updated_at"], batch_size=1000)
        designated_plans_sync([*created, *(c.instance for c in changed)])
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, status: MigrationStatus, before: dict[str, Any] | None, own: Any) -> dict[str, Any]:
        municipality = status.municipality
        return {
            "actor": ctx.actor,
            "target": status,
            "action": "import",
            "before": before,
            "after": audit_snapshot(status, AUDITED),
            "comment": ctx.audit_comment,
            "on_behalf_of": municipality if own is None or municipality.pk != own.pk else None,
        }
