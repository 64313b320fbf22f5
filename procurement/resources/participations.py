"""Procurement import kinds (docs/imports.md): `participations` — answers to joint-procurement invitations.

The rules are the intent survey's (procurement/services.py `participation_answer`): only invited municipalities of
the lead prefecture, only while the procurement takes answers, the same answer values and limits. A prefecture
imports the answers of its own procurements' invitations (recorded as on the municipality's behalf); a
municipality only its own answers.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal import policy
from portal.audit import audit_snapshot
from portal.imports.kinds import MUNICIPALITY_ALIASES, Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import ChoiceWidget, IntegerWidget, OrganizationWidget, TextWidget
from portal.models import OrganizationKind

from .. import workflow
from ..models import ANSWER_STATUSES, JointProcurement, Participation, ParticipationStatus, Status
from ..services import MAX_AMOUNT

ANSWER_FIELDS = ["status", "comment", "usage_units", "standalone_estimate", "answered_at", "answered_by"]


class ProcurementWidget(widgets.Widget):
    """A joint procurement by its number (the id in its address), among those the importer may see.

    While writing, each procurement is locked (SELECT … FOR UPDATE) the first time a row names it, before its
    status and invitations are checked — the same order as `participation_answer` (procurement, then
    participation). A status change or an invitation edit made meanwhile therefore either commits first and
    the rows are checked against it, or waits until the import has committed.
    """

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        ctx = kwargs["context"]
        number = IntegerWidget("共同調達の番号", 1).clean(value)
        found = ctx.maps.get("procurements")
        if found is None:
            visible = policy.visible(ctx.actor, JointProcurement.objects.select_related("lead_prefecture"))
            found = ctx.maps["procurements"] = {p.pk: p for p in visible}
        procurement = found.get(number)
        if procurement is None:
            raise ValueError(
                _("共同調達 %(n)s は見つかりません。共同調達の画面のアドレスにある番号を入力してください。")
                % {"n": value}
            )
        locked = ctx.maps.setdefault("locked_procurements", set())
        if ctx.writing and number not in locked:
            procurement = found[number] = (
                JointProcurement.objects.select_for_update(of=("self",))
                .select_related("lead_prefecture")
                .get(pk=procurement.pk)
            )
            locked.add(number)
        return procurement

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value.pk) if value is not None else ""


class ParticipationResource(resources.Resource):
    procurement = fields.Field(attribute="procurement", column_name="procurement", widget=ProcurementWidget())
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=OrganizationWidget("団体"))
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceWidget("回答", ParticipationStatus))
    comment = fields.Field(attribute="comment", column_name="comment", widget=TextWidget("コメント", 2000))
    usage_units = fields.Field(
        attribute="usage_units", column_name="usage_units", widget=IntegerWidget("利用量", 0, 10**9)
    )
    standalone_estimate = fields.Field(
        attribute="standalone_estimate",
        column_name="standalone_estimate",
        widget=IntegerWidget("単独調達の見込額", 0, MAX_AMOUNT),
    )


@register
class Participations(ImportKind):
    name = "participations"
    label = gettext_lazy("共同調達への参加意向")
    description = gettext_lazy(
        "共同調達の意向調査への回答（検討中・参加・不参加・辞退）を取り込みます。都道府県は自らが主導する共同調達に招待した市区町村の分を代理で取り込めます。"
    )
    action = "procurement.import_participations"
    row_action = "imports.municipal_row"
    resource_class = ParticipationResource
    columns = [
        Column("procurement", "共同調達", "12", help="共同調達の番号"),
        Column("municipality", "団体", "205419", help="団体コード（6桁）または団体名", aliases=MUNICIPALITY_ALIASES),
        Column("status", "回答", "committed", help="検討中・参加・不参加・辞退"),
        Column("comment", "コメント", "", required=False),
        Column("usage_units", "利用量", "", required=False, help="按分に使う利用量（件数など）"),
        Column("standalone_estimate", "単独調達の見込額", "", required=False, help="円（整数）"),
    ]
    key_fields = ("procurement", "municipality")

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['procurement'].title} / {row['municipality']}"

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        procurement, municipality, status = row["procurement"], row["municipality"], row["status"]
        org = ctx.organization
        if org is not None and org.kind == OrganizationKind.PREFECTURE and procurement.lead_prefecture_id != org.pk:
            return ("procurement", _("ほかの都道府県の共同調達は閲覧のみです。"))
        if municipality.prefecture_id != procurement.lead_prefecture_id:
            return (
                "municipality",
                _("%(muni)sは%(lead)s以外の団体です。この共同調達に参加できるのは%(lead)sの市区町村だけです。")
                % {"muni": municipality, "lead": procurement.lead_prefecture.name},
            )
        if municipality.pk not in self._invited(ctx, procurement):
            return ("municipality", _("%(muni)sはこの共同調達に招待されていません。") % {"muni": municipality})
        if status not in ANSWER_STATUSES:
            return ("status", _("回答は interested / committed / declined / withdrawn のいずれかです。"))
        open_statuses = (
            (*workflow.ANSWERABLE_STATUSES, Status.TENDERING)
            if status == ParticipationStatus.WITHDRAWN
            else workflow.ANSWERABLE_STATUSES
        )
        if procurement.status not in open_statuses:
            return (
                "procurement",
                _("この共同調達は「%(status)s」のため、回答を受け付けていません。")
                % {"status": procurement.get_status_display()},
            )
        return None

    @staticmethod
    def _invited(ctx: ImportContext, procurement: JointProcurement) -> set[int]:
        invited = ctx.maps.setdefault("invited", {})
        if procurement.pk not in invited:
            invited[procurement.pk] = set(
                Participation.objects.filter(procurement=procurement).values_list("municipality_id", flat=True)
            )
        result: set[int] = invited[procurement.pk]
        return result

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = Participation.objects.filter(
            procurement_id__in={r["procurement"].pk for r in rows},
            municipality_id__in={r["municipality"].pk for r in rows},
        )
        if lock:
            queryset = queryset.select_for_update()
        found = {}
        for participation in queryset:
            participation.municipality = ctx.organizations.by_id[participation.municipality_id]
            found[(participation.procurement_id, participation.municipality_id)] = participation
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        changes = {}
        for name in ("status", "comment", "usage_units", "standalone_estimate"):
            new = row.get(name) if name != "comment" else (row.get("comment") or "")
            if new is None and name != "comment":
                continue  # an empty amount keeps the stored one, as on the answer form
            if getattr(instance, name) != new:
                changes[name] = (getattr(instance, name), new)
        return changes

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        # Every row names an existing invitation (check_row), so there is nothing new to create.
        now = timezone.now()
        own = ctx.organization
        entries = []
        for change in changed:
            participation, procurement = change.instance, change.row["procurement"]
            municipality = participation.municipality
            before = audit_snapshot(participation, ANSWER_FIELDS)
            for name, (_old, value) in change.fields.items():
                setattr(participation, name, value)
            participation.answered_at = now
            participation.answered_by = ctx.actor
            entries.append(
                {
                    "actor": ctx.actor,
                    "target": procurement,
                    "action": "import",
                    "before": {"municipality": municipality.code, **before},
                    "after": {"municipality": municipality.code, **audit_snapshot(participation, ANSWER_FIELDS)},
                    "comment": ctx.audit_comment,
                    "on_behalf_of": municipality if own is None or municipality.pk != own.pk else None,
                }
            )
        Participation.objects.bulk_update([c.instance for c in changed], ANSWER_FIELDS)
        return entries
