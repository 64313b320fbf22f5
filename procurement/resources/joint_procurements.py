"""`joint-procurements`: a prefecture's joint procurements (its own staff; national officials any prefecture's),
matched by lead prefecture and title.

The rules are the registration form's (procurement/services.py): amounts in whole yen within limits, participants
only municipalities of the lead prefecture, no duplicates, an answered municipality cannot be uninvited. New ones are
registered as `planning` with an equal cost split; status moves stay with the procurement's own page.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import ChoiceWidget, DateWidget, IntegerWidget, OrganizationWidget, TextWidget

from ..models import JointProcurement, Method, Participation, ParticipationStatus, ProcurementCategory, Status
from ..services import MAX_AMOUNT

VALUE_FIELDS = ["category", "method", "description", "estimated_amount", "recruiting_deadline"]
AUDITED = ["title", *VALUE_FIELDS, "status"]


class CategoryWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        ctx = kwargs["context"]
        categories = ctx.maps.get("categories")
        if categories is None:
            categories = {}
            for category in ProcurementCategory.objects.all():
                categories[category.slug] = categories[category.name] = category
            ctx.maps["categories"] = categories
        found = categories.get(text) or categories.get(text.lower())
        if found is None:
            names = "、".join(sorted({c.name for c in categories.values()}))
            raise ValueError(
                _("調達分野「%(value)s」はありません。次のいずれかを入力してください：%(names)s")
                % {"value": text, "names": names}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


class ParticipantsWidget(widgets.Widget):
    """Municipality codes separated by 「;」「、」 or spaces; kept in the order given."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        codes = [c for c in re.split(r"[;、,\s]+", str(value or "")) if c]
        if not codes:
            return None  # an empty cell keeps the invitations as they are
        if len(set(codes)) != len(codes):
            raise ValueError(_("同じ団体が重複しています。"))
        index = kwargs["context"].organizations
        found = []
        for code in codes:
            org = index.by_code.get(code)
            if org is None or org.kind != "municipality":
                raise ValueError(_("団体コード %(code)s の市区町村はありません。") % {"code": code})
            found.append(org)
        return tuple(found)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ";".join(o.code for o in value or ())


class JointProcurementResource(resources.Resource):
    lead_prefecture = fields.Field(
        attribute="lead_prefecture",
        column_name="lead_prefecture",
        widget=OrganizationWidget("幹事都道府県", ("prefecture",)),
    )
    title = fields.Field(attribute="title", column_name="title", widget=TextWidget("件名", 200))
    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    method = fields.Field(attribute="method", column_name="method", widget=ChoiceWidget("調達方法", Method))
    participants = fields.Field(attribute="participants", column_name="participants", widget=ParticipantsWidget())
    estimated_amount = fields.Field(
        attribute="estimated_amount",
        column_name="estimated_amount",
        widget=IntegerWidget("予定価格（見込額）", 0, MAX_AMOUNT),
    )
    recruiting_deadline = fields.Field(
        attribute="recruiting_deadline", column_name="recruiting_deadline", widget=DateWidget("参加意向の回答期限")
    )
    description = fields.Field(attribute="description", column_name="description", widget=TextWidget("概要", 4000))


@register
class JointProcurements(ImportKind):
    name = "joint-procurements"
    label = gettext_lazy("共同調達")
    description = gettext_lazy(
        "都道府県が主導する共同調達を件名ごとに登録・更新し、管内の市区町村を招待します（新規は企画中として登録）。"
    )
    action = "procurement.import_joint_procurements"
    row_action = "procurement.import_joint_procurement_row"
    row_org_field = "lead_prefecture"
    resource_class = JointProcurementResource
    columns = [
        Column("lead_prefecture", "幹事都道府県", "200000", help="都道府県の団体コードまたは名称"),
        Column("title", "件名", "長野県市町村 電子申請システム共同調達"),
        Column("category", "調達分野", "e_application", help="調達分野の識別子または名称"),
        Column("method", "調達方法", "proposal", help="一般競争入札・総合評価・公募型プロポーザル・随意契約"),
        Column(
            "participants", "参加団体", "205419;202177", required=False, help="市区町村の団体コードを「;」で区切って"
        ),
        Column("estimated_amount", "予定価格（見込額）", "12000000", required=False, help="円（整数）"),
        Column("recruiting_deadline", "参加意向の回答期限", "", required=False),
        Column("description", "概要", "", required=False),
    ]
    key_fields = ("lead_prefecture", "title")

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['lead_prefecture'].name} {row['title']}"

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        prefecture = row["lead_prefecture"]
        for municipality in row.get("participants") or ():
            if municipality.prefecture_id != prefecture.pk:
                return (
                    "participants",
                    _("%(name)s（%(code)s）はほかの都道府県の市区町村です。招待できるのは%(pref)sの市区町村だけです。")
                    % {"name": str(municipality), "code": municipality.code, "pref": prefecture.name},
                )
        answered = self._answered(ctx, prefecture).get(row["title"], {})
        kept = {m.pk for m in row.get("participants") or ()}
        dropped = [name for pk, name in answered.items() if pk not in kept]
        if row.get("participants") is not None and dropped:
            return (
                "participants",
                _("回答済みの団体は招待を取り消せません: %(names)s") % {"names": "、".join(dropped)},
            )
        return None

    @staticmethod
    def _answered(ctx: ImportContext, prefecture: Any) -> dict[str, dict[int, str]]:
        """{title: {municipality id: name}} of the answered invitations of the prefecture's procurements."""
        cache = ctx.maps.setdefault("answered", {})
        if prefecture.pk not in cache:
            found: dict[str, dict[int, str]] = {}
            rows = Participation.objects.filter(procurement__lead_prefecture=prefecture).exclude(
                status=ParticipationStatus.INVITED
            )
            for title, mid, name in rows.values_list("procurement__title", "municipality_id", "municipality__name"):
                found.setdefault(title, {})[mid] = name
            cache[prefecture.pk] = found
        result: dict[str, dict[int, str]] = cache[prefecture.pk]
        return result

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = JointProcurement.objects.filter(
            lead_prefecture_id__in={r["lead_prefecture"].pk for r in rows}, title__in={r["title"] for r in rows}
        )
        if lock:
            queryset = queryset.select_for_update()
        found: dict[tuple[Any, ...], Any] = {}
        procurements = list(queryset)
        invited: dict[int, list[Any]] = {p.pk: [] for p in procurements}
        for p in Participation.objects.filter(procurement_id__in=list(invited)).order_by("pk"):
            invited[p.procurement_id].append(ctx.organizations.by_id[p.municipality_id])
        for procurement in procurements:
            procurement.invited = tuple(invited[procurement.pk])  # type: ignore[attr-defined]
            found.setdefault((procurement.lead_prefecture_id, procurement.title), procurement)
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        changes = self.diff_fields(instance, row, VALUE_FIELDS)
        wanted = row.get("participants")
        if wanted is not None and {m.pk for m in wanted} != {m.pk for m in instance.invited}:
            changes["participants"] = (
                ";".join(m.code for m in instance.invited),
                ";".join(m.code for m in wanted),
            )
        return changes

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        entries = []
        invites: list[Participation] = []
        for _line, row in new:
            procurement = JointProcurement(
                lead_prefecture=row["lead_prefecture"], title=row["title"], status=Status.PLANNING
            )
            for name in VALUE_FIELDS:
                if row.get(name) is not None:
                    setattr(procurement, name, row[name])
            procurement.save()
            procurement.ocid = f"{settings.OCDS_PREFIX}-{procurement.pk}"
            procurement.save(update_fields=["ocid"])
            participants = row.get("participants") or ()
            invites += [Participation(procurement=procurement, municipality=m) for m in participants]
            entries.append(self._entry(ctx, procurement, None, participants))
        now = timezone.now()
        for change in changed:
            procurement = change.instance
            before = self._snapshot(procurement, procurement.invited)
            for name, (_old, value) in change.fields.items():
                if name != "participants":
                    setattr(procurement, name, value)
            participants = procurement.invited
            if "participants" in change.fields:
                participants = change.row["participants"]
                wanted = {m.pk for m in participants}
                Participation.objects.filter(procurement=procurement).exclude(municipality_id__in=wanted).delete()
                have = {m.pk for m in procurement.invited}
                invites += [
                    Participation(procurement=procurement, municipality=m) for m in participants if m.pk not in have
                ]
            procurement.version += 1
            procurement.updated_at = now
            entries.append(self._entry(ctx, procurement, before, participants))
        JointProcurement.objects.bulk_update([c.instance for c in changed], [*VALUE_FIELDS, "version", "updated_at"])
        Participation.objects.bulk_create(invites)
        return entries

    @staticmethod
    def _snapshot(procurement: JointProcurement, participants: Any) -> dict[str, Any]:
        return audit_snapshot(procurement, AUDITED) | {"participants": [m.code for m in participants]}

    def _entry(
        self, ctx: ImportContext, procurement: JointProcurement, before: Any, participants: Any
    ) -> dict[str, Any]:
        own = ctx.organization
        lead = procurement.lead_prefecture
        return {
            "actor": ctx.actor,
            "target": procurement,
            "action": "import",
            "before": before,
            "after": self._snapshot(procurement, participants),
            "comment": ctx.audit_comment,
            "on_behalf_of": lead if own is None or own.pk != lead.pk else None,
        }
