"""Import kinds of the subsidies (API.md "Import and export"): `programs`, `budgets` and `caps`.

Only officials of a program's owning ministry (or a portal administrator) import its rows; a row of another
ministry's program is an error of that row. Money is integer yen; years and dates are accepted in 和暦 too.
A budget or cap is never set below what has already been granted from it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    FiscalYearWidget,
    IntegerWidget,
    OrganizationWidget,
    TextWidget,
)
from portal.policy import is_portal_admin, org_of

from .import_widgets import FractionWidget, MinistryWidget, ProgramWidget, ministries, programs_by_code
from .models import CapBasis, OrganizationCap, Program, ProgramBudget, ProgramKind

PROGRAM_FIELDS = [
    "name",
    "kind",
    "owner",
    "rate_numerator",
    "rate_denominator",
    "cap",
    "cap_basis",
    "rounding_unit",
    "routes_through_prefecture",
    "acceptance_from",
    "acceptance_until",
]


def _owner_refusal(ctx: ImportContext, owner_id: int) -> str | None:
    """Why the importer may not import rows of a program owned by `owner_id`, or None when they may."""
    if is_portal_admin(ctx.actor):
        return None
    org = org_of(ctx.actor)
    if org is not None and org.pk == owner_id:
        return None
    owner = next((o.name for o in ministries(ctx).values() if o.pk == owner_id), "")
    return _("所管府省の職員だけが取り込めます（%(owner)s）。") % {"owner": owner}


def _field(name: str, widget: widgets.Widget) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=widget)


class ProgramResource(resources.Resource):
    code = _field("code", TextWidget("コード", 40))
    name = _field("name", TextWidget("名称", 200))
    kind = _field("kind", ChoiceWidget("種類", ProgramKind))
    owner = _field("owner", MinistryWidget("所管府省"))
    rate = _field("rate", FractionWidget("補助率"))
    cap = _field("cap", IntegerWidget("上限額"))
    cap_basis = _field("cap_basis", ChoiceWidget("上限の対象", CapBasis))
    rounding_unit = _field("rounding_unit", IntegerWidget("端数処理の単位", minimum=1, maximum=100_000_000))
    routes_through_prefecture = _field("routes_through_prefecture", BooleanWidget("都道府県を経由する"))
    acceptance_from = _field("acceptance_from", DateWidget("受付開始日"))
    acceptance_until = _field("acceptance_until", DateWidget("受付終了日"))


class BudgetResource(resources.Resource):
    program = _field("program", ProgramWidget("補助事業"))
    fiscal_year = _field("fiscal_year", FiscalYearWidget("年度"))
    budget = _field("budget", IntegerWidget("予算額"))
    label = _field("label", TextWidget("予算の名称", 100))


class CapResource(resources.Resource):
    organization = _field("organization", OrganizationWidget("団体", ("prefecture", "municipality")))
    program = _field("program", ProgramWidget("補助事業"))
    cap = _field("cap", IntegerWidget("補助上限額"))


def _entry(ctx: ImportContext, target: Any, before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": ctx.actor,
        "target": target,
        "action": "import",
        "before": before,
        "after": after,
        "comment": ctx.audit_comment,
    }


@register
class Programs(ImportKind):
    name = "programs"
    label = gettext_lazy("補助事業")
    description = gettext_lazy("補助事業・交付金の補助率、上限額、受付期間を登録・更新します（所管府省の職員）。")
    action = "subsidies.import_program_data"
    resource_class = ProgramResource
    columns = [
        Column("code", "コード", "standardization"),
        Column("name", "名称", "標準準拠システム移行経費補助"),
        Column("kind", "種類", "standardization"),
        Column("owner", "所管府省", "soumu"),
        Column("rate", "補助率", "1/2", help="分数（例：1/2）"),
        Column("cap", "上限額", "", required=False, help="円（空欄：上限なし）"),
        Column("cap_basis", "上限の対象", "subsidy", required=False),
        Column("rounding_unit", "端数処理の単位", "1000", required=False),
        Column("routes_through_prefecture", "都道府県を経由する", "yes", required=False),
        Column("acceptance_from", "受付開始日", "2026-04-01"),
        Column("acceptance_until", "受付終了日", "令和9年3月31日"),
    ]
    key_fields = ("code",)

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        stored = programs_by_code(ctx).get(row["code"])
        for owner_id in {row["owner"].pk, stored.owner_id if stored else row["owner"].pk}:
            refusal = _owner_refusal(ctx, owner_id)
            if refusal:
                return "owner", refusal
        if row["acceptance_from"] > row["acceptance_until"]:
            return "acceptance_until", _("受付終了日は受付開始日より後にしてください。")
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = Program.objects.filter(code__in=[r["code"] for r in rows])
        if lock:
            queryset = queryset.select_for_update()
        return {(p.code,): p for p in queryset}

    @staticmethod
    def _values(row: dict[str, Any]) -> dict[str, Any]:
        values = {k: row[k] for k in PROGRAM_FIELDS if k in row and k not in ("rate_numerator", "rate_denominator")}
        rate = row["rate"]
        values.update(rate_numerator=rate.numerator, rate_denominator=rate.denominator)
        return {k: v for k, v in values.items() if v is not None or k == "cap"}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return {
            name: (getattr(instance, name), value)
            for name, value in self._values(row).items()
            if getattr(instance, name) != value
        }

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        audited = ["code", *PROGRAM_FIELDS]
        created = Program.objects.bulk_create(
            [Program(code=row["code"], **self._values(row)) for _line, row in new], batch_size=500
        )
        entries = [_entry(ctx, p, None, audit_snapshot(p, audited)) for p in created]
        for change in changed:
            before = audit_snapshot(change.instance, audited)
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            entries.append(_entry(ctx, change.instance, before, audit_snapshot(change.instance, audited)))
        if changed:
            Program.objects.bulk_update([c.instance for c in changed], PROGRAM_FIELDS, batch_size=500)
        return entries


@register
class Budgets(ImportKind):
    name = "budgets"
    label = gettext_lazy("補助事業の年度予算")
    description = gettext_lazy("補助事業ごと・年度ごとの予算額を登録・更新します（所管府省の職員）。")
    action = "subsidies.import_program_data"
    resource_class = BudgetResource
    columns = [
        Column("program", "補助事業", "standardization"),
        Column("fiscal_year", "年度", "令和9年度"),
        Column("budget", "予算額", "12000000000", help="円"),
        Column("label", "予算の名称", "令和9年度当初予算", required=False),
    ]
    key_fields = ("program", "fiscal_year")

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        refusal = _owner_refusal(ctx, row["program"].owner_id)
        if refusal:
            return "program", refusal
        if "budget_reserved" not in ctx.maps:
            reserved = ProgramBudget.objects.filter(reserved__gt=0).values_list("program_id", "fiscal_year", "reserved")
            ctx.maps["budget_reserved"] = {(p, fy): amount for p, fy, amount in reserved}
        reserved_yen = ctx.maps["budget_reserved"].get((row["program"].pk, row["fiscal_year"]), 0)
        if row["budget"] < reserved_yen:
            return "budget", _("交付決定済みの額（%(reserved)s円）より小さくできません。") % {
                "reserved": f"{reserved_yen:,}"
            }
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = ProgramBudget.objects.filter(
            program__in={r["program"].pk for r in rows}, fiscal_year__in={r["fiscal_year"] for r in rows}
        )
        if lock:
            queryset = queryset.select_for_update()
        return {(b.program_id, b.fiscal_year): b for b in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["budget", "label"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        audited = ["fiscal_year", "budget", "label"]
        created = ProgramBudget.objects.bulk_create(
            [
                ProgramBudget(
                    program=row["program"],
                    fiscal_year=row["fiscal_year"],
                    budget=row["budget"],
                    label=row["label"] or "",
                )
                for _line, row in new
            ],
            batch_size=1000,
        )
        entries = [_entry(ctx, b, None, audit_snapshot(b, audited)) for b in created]
        for change in changed:
            before = audit_snapshot(change.instance, audited)
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            entries.append(_entry(ctx, change.instance, before, audit_snapshot(change.instance, audited)))
        if changed:
            ProgramBudget.objects.bulk_update([c.instance for c in changed], ["budget", "label"], batch_size=1000)
        return entries


@register
class Caps(ImportKind):
    name = "caps"
    label = gettext_lazy("団体ごとの補助上限額")
    description = gettext_lazy("補助事業ごとの団体別の補助上限額を登録・更新します（所管府省の職員）。")
    action = "subsidies.import_program_data"
    resource_class = CapResource
    columns = [
        Column("organization", "団体", "205419", aliases=("団体コード", "団体名")),
        Column("program", "補助事業", "standardization"),
        Column("cap", "補助上限額", "120000000", help="円"),
    ]
    key_fields = ("organization", "program")

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        program = row["program"]
        refusal = _owner_refusal(ctx, program.owner_id)
        if refusal:
            return "program", refusal
        if not program.uses_organization_caps:
            return "program", _("この補助事業は団体ごとの補助上限額を使いません。")
        if "cap_granted" not in ctx.maps:
            granted = OrganizationCap.objects.filter(granted__gt=0).values_list(
                "organization_id", "program_id", "granted"
            )
            ctx.maps["cap_granted"] = {(o, p): amount for o, p, amount in granted}
        granted_yen = ctx.maps["cap_granted"].get((row["organization"].pk, program.pk), 0)
        if row["cap"] < granted_yen:
            return "cap", _("交付決定済みの額（%(granted)s円）より小さくできません。") % {"granted": f"{granted_yen:,}"}
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = OrganizationCap.objects.filter(
            organization__in={r["organization"].pk for r in rows}, program__in={r["program"].pk for r in rows}
        )
        if lock:
            queryset = queryset.select_for_update()
        return {(c.organization_id, c.program_id): c for c in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, ["cap"])

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = OrganizationCap.objects.bulk_create(
            [OrganizationCap(organization=r["organization"], program=r["program"], cap=r["cap"]) for _line, r in new],
            batch_size=1000,
        )
        entries = [_entry(ctx, c, None, {"cap": c.cap}) for c in created]
        for change in changed:
            before = {"cap": change.instance.cap}
            change.instance.cap = change.row["cap"]
            entries.append(_entry(ctx, change.instance, before, {"cap": change.instance.cap}))
        if changed:
            OrganizationCap.objects.bulk_update([c.instance for c in changed], ["cap"], batch_size=1000)
        return entries
