"""`adoptions`: an organization's own use of catalog systems (officials: any organization's).

The rules are the adoption form's (catalog/services.py `adoption_save`): the system by its slug, the offering (if
any) one of that system's published offerings, a status of AdoptionStatus. One row per organization and system.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from catalog.freshness import adoptions_recount
from catalog.models import Adoption, AdoptionStatus, Offering, OfferingStatus, SharedSystem
from catalog.services import ADOPTION_FIELDS
from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import ChoiceWidget, DateWidget, OrganizationWidget, TextWidget

LOCAL_GOVERNMENTS = ("prefecture", "municipality")


class SlugWidget(widgets.Widget):
    """A catalog row named by its slug, from a map loaded once per import (`ctx.maps[key]`)."""

    def __init__(self, label: str, key: str, model: Any, **filters: Any) -> None:
        super().__init__()
        self.label, self.key, self.model, self.filters = label, key, model, filters

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        ctx = kwargs["context"]
        found = ctx.maps.get(self.key)
        if found is None:
            found = ctx.maps[self.key] = {o.slug: o for o in self.model.objects.filter(**self.filters)}
        item = found.get(text) or found.get(text.lower())
        if item is None:
            raise ValueError(
                _(
                    "%(label)s「%(value)s」はカタログにありません。識別子（英小文字・数字・ハイフン）を確認してください。"
                )
                % {"label": _(self.label), "value": text}
            )
        return item

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


class AdoptionResource(resources.Resource):
    organization = fields.Field(
        attribute="organization", column_name="organization", widget=OrganizationWidget("団体", LOCAL_GOVERNMENTS)
    )
    system = fields.Field(
        attribute="system", column_name="system", widget=SlugWidget("システム", "systems", SharedSystem)
    )
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceWidget("状況", AdoptionStatus))
    offering = fields.Field(
        attribute="offering",
        column_name="offering",
        widget=SlugWidget("提供サービス", "offerings", Offering, status=OfferingStatus.PUBLISHED),
    )
    since = fields.Field(attribute="since", column_name="since", widget=DateWidget("開始日"))
    note = fields.Field(attribute="note", column_name="note", widget=TextWidget("備考", 400))


@register
class Adoptions(ImportKind):
    name = "adoptions"
    label = gettext_lazy("システムの導入状況")
    description = gettext_lazy(
        "自団体のシステムの導入状況（検討中・調達中・利用中・利用終了）を取り込みます。国の職員はすべての団体の分を取り込めます。"
    )
    action = "catalog.import_adoptions"
    row_action = "catalog.import_adoption_row"
    row_org_field = "organization"
    resource_class = AdoptionResource
    columns = [
        Column(
            "organization", "団体", "205419", help="団体コード（6桁）または団体名", aliases=("団体コード", "団体名")
        ),
        Column("system", "システム", "madoguchi-dx", help="カタログのシステムの識別子"),
        Column("status", "状況", "in_use", help="検討中・調達中・利用中・利用終了"),
        Column("offering", "提供サービス", "", required=False, help="公開中の提供サービスの識別子"),
        Column("since", "開始日", "2025-04-01", required=False, help="西暦または和暦（令和7年4月1日）"),
        Column("note", "備考", "", required=False),
    ]
    key_fields = ("organization", "system")

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['organization']} {row['system'].name}"

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        offering = row.get("offering")
        if offering is not None and offering.system_id != row["system"].pk:
            return ("offering", _("このシステムの提供サービスを選んでください。"))
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = Adoption.objects.filter(
            organization_id__in={r["organization"].pk for r in rows}, system_id__in={r["system"].pk for r in rows}
        )
        if lock:
            queryset = queryset.select_for_update()
        return {(a.organization_id, a.system_id): a for a in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        # Every column is the whole record (as on the form): an empty offering, date or note clears it.
        changes = {}
        for name in ("status", "offering", "since", "note"):
            new = row.get(name) if name != "note" else (row.get("note") or "")
            old = getattr(instance, name)
            if old != new:
                changes[name] = (old, new)
        return changes

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = [
            Adoption(
                organization=r["organization"],
                system=r["system"],
                offering=r.get("offering"),
                status=r["status"],
                since=r.get("since"),
                note=r.get("note") or "",
            )
            for _line, r in new
        ]
        Adoption.objects.bulk_create(created)
        if created and created[0].pk is None:  # backends that return no ids: read them back
            stored = Adoption.objects.filter(
                organization_id__in={a.organization_id for a in created}, system_id__in={a.system_id for a in created}
            )
            ids = {(a.organization_id, a.system_id): a.pk for a in stored}
            for adoption in created:
                adoption.pk = ids[(adoption.organization_id, adoption.system_id)]
        entries = [self._entry(ctx, adoption, None) for adoption in created]
        now = timezone.now()
        for change in changed:
            before = audit_snapshot(change.instance, ADOPTION_FIELDS)
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            change.instance.updated_at = now
            entries.append(self._entry(ctx, change.instance, before))
        Adoption.objects.bulk_update(
            [c.instance for c in changed], ["status", "offering", "since", "note", "updated_at"]
        )
        # Bulk writes skip the signals that keep the systems' counts and the catalog version.
        adoptions_recount({a.system_id for a in created} | {c.instance.system_id for c in changed})
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, adoption: Adoption, before: dict[str, Any] | None) -> dict[str, Any]:
        own = ctx.organization
        organization = adoption.organization
        return {
            "actor": ctx.actor,
            "target": adoption,
            "action": "import",
            "before": before,
            "after": audit_snapshot(adoption, ADOPTION_FIELDS),
            "comment": ctx.audit_comment,
            "on_behalf_of": organization if own is None or organization.pk != own.pk else None,
        }
