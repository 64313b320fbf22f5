"""`organizations`: populations of existing local governments (officials only). No organization is created here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from portal.audit import audit_snapshot
from portal.models import Organization, OrganizationKind, population_band_for

from ..widgets import IntegerWidget, MonthWidget, OrganizationWidget
from . import Change, Column, ImportContext, ImportKind, register

LOCAL = (OrganizationKind.PREFECTURE, OrganizationKind.MUNICIPALITY)
AUDITED = ["population", "population_band", "population_date"]


class OrganizationPopulationResource(resources.Resource):
    organization = fields.Field(
        attribute="organization", column_name="organization", widget=OrganizationWidget("団体", LOCAL)
    )
    population = fields.Field(
        attribute="population", column_name="population", widget=IntegerWidget("人口", maximum=50_000_000)
    )
    population_date = fields.Field(
        attribute="population_date", column_name="population_date", widget=MonthWidget("人口の基準日")
    )

    def dehydrate_organization(self, obj: Organization) -> str:
        return obj.code or ""


@register
class OrganizationPopulations(ImportKind):
    name = "organizations"
    label = _("団体の人口")
    description = _("都道府県・市区町村の人口（と基準日）を更新します。団体は団体コードか名称で指定します。")
    action = "imports.national_data"
    resource_class = OrganizationPopulationResource
    columns = [
        Column("organization", "団体", "205419", aliases=("団体コード", "団体名")),
        Column("population", "人口", "10,862"),
        Column("population_date", "人口の基準日", "2025-01", required=False, help="年月（例：2025-01）"),
    ]
    key_fields = ("organization",)
    row_org_field = "organization"

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = Organization.objects.filter(pk__in=[r["organization"].pk for r in rows])
        if lock:
            queryset = queryset.select_for_update()
        index = ctx.organizations.by_id
        for org in queryset:
            if org.prefecture_id is not None:
                org.prefecture = index[org.prefecture_id]  # str(org) in the audit entry without a query
        return {(o.pk,): o for o in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["population", "population_date"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        entries = []
        for change in changed:
            org = change.instance
            before = audit_snapshot(org, AUDITED)
            for name, (_old, value) in change.fields.items():
                setattr(org, name, value)
            org.population_band = population_band_for(org.population)
            entries.append(
                {
                    "actor": ctx.actor,
                    "target": org,
                    "action": "import",
                    "before": before,
                    "after": audit_snapshot(org, AUDITED),
                    "comment": ctx.audit_comment,
                }
            )
        Organization.objects.bulk_update([c.instance for c in changed], AUDITED, batch_size=1000)
        return entries
