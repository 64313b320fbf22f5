"""`kpi-observations`: observed values of the KPIs (national officials, like every other KPI change).

Rows name the KPI by its code, the date (ISO or 和暦), the value, optionally an area (a prefecture or a
municipality; empty: national), the source and a note. A row with the same KPI, date and area corrects the
stored value.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import DateWidget, OrganizationWidget, TextWidget

from .models import Kpi, KpiObservation

CHANGED = ["value", "source", "note"]


class KpiWidget(widgets.Widget):
    """A KPI by its code (the codes are listed on /dashboards/kpi/)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Kpi | None:
        code = str(value or "")
        if code == "":
            return None
        kpis: dict[str, Kpi] = kwargs["context"].maps.setdefault("kpis", {k.code: k for k in Kpi.objects.all()})
        if code not in kpis:
            raise ValueError(_("KPIのコード「%(code)s」は登録されていません。") % {"code": code})
        return kpis[code]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class DecimalWidget(widgets.Widget):
    """A number with at most four decimals (12.5, 1,234)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = str(value or "").replace(",", "")
        if text == "":
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(_("値は数（例：12.5）で入力してください：%(value)s") % {"value": value}) from exc
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14 or number != number.quantize(Decimal("0.0001")):
            raise ValueError(_("値は小数点以下4桁までの数で入力してください：%(value)s") % {"value": value})
        return number

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class KpiObservationResource(resources.Resource):
    kpi = fields.Field(attribute="kpi", column_name="kpi", widget=KpiWidget())
    date = fields.Field(attribute="date", column_name="date", widget=DateWidget("時点"))
    value = fields.Field(attribute="value", column_name="value", widget=DecimalWidget())
    area = fields.Field(
        attribute="area", column_name="area", widget=OrganizationWidget("地域", ("prefecture", "municipality"))
    )
    source = fields.Field(attribute="source", column_name="source", widget=TextWidget("出典", 400))
    note = fields.Field(attribute="note", column_name="note", widget=TextWidget("備考", 400))


@register
class KpiObservations(ImportKind):
    name = "kpi-observations"
    label = gettext_lazy("KPIの観測値")
    description = gettext_lazy(
        "KPIごとの観測値（全国または地域別）を取り込みます。同じKPI・時点・地域の行は値を訂正します。"
    )
    action = "imports.national_data"  # any national official, as in the KPI admin
    resource_class = KpiObservationResource
    columns = [
        Column("kpi", "KPI", "publication-effects-all", help="KPIのコード"),
        Column("date", "時点", "2026-03-31", help="西暦または和暦（令和8年3月31日）"),
        Column("value", "値", "42.5"),
        Column("area", "地域", "", required=False, help="空欄は全国"),
        Column("source", "出典", "デジタル庁調査"),
        Column("note", "備考", "", required=False),
    ]
    key_fields = ("kpi", "date", "area")

    def describe(self, row: dict[str, Any]) -> str:
        area = row.get("area")
        return f"{row['kpi'].code} {row['date']:%Y-%m-%d} {area.name if area else '全国'}"

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = KpiObservation.objects.filter(
            Q(kpi__in={r["kpi"].pk for r in rows}), Q(date__in={r["date"] for r in rows})
        )
        if lock:
            queryset = queryset.select_for_update()
        wanted = {self.key(r) for r in rows}
        found = {}
        for observation in queryset:
            key = (observation.kpi_id, observation.date, observation.area_id)
            if key in wanted:
                found[key] = observation
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, {**row, "note": row.get("note") or ""}, CHANGED)

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = [
            KpiObservation(
                kpi=row["kpi"],
                date=row["date"],
                value=row["value"],
                area=row.get("area"),
                source=row["source"],
                note=row.get("note") or "",
            )
            for _line, row in new
        ]
        KpiObservation.objects.bulk_create(created, batch_size=1000)
        entries = [self._entry(ctx, observation, None) for observation in created]
        for change in changed:
            before = audit_snapshot(change.instance, CHANGED)
            for name, (_stored, imported) in change.fields.items():
                setattr(change.instance, name, imported)
            entries.append(self._entry(ctx, change.instance, before))
        KpiObservation.objects.bulk_update([c.instance for c in changed], CHANGED, batch_size=1000)
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, observation: KpiObservation, before: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "actor": ctx.actor,
            "target": observation,
            "action": "import",
            "before": before,
            "after": audit_snapshot(observation, ["kpi", "date", "area", *CHANGED]),
            "comment": ctx.audit_comment,
        }
