"""`catalog-systems`: the shared systems of the catalog (national officials), matched by their slug.

The rules are the catalog form's (catalog/services.py `system_save`): a slug of lower-case letters, digits and
hyphens, a name and its reading, one commonization pattern, business areas by code, slug or name.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from catalog.freshness import catalog_changed
from catalog.models import BusinessArea, GovCloud, Lifecycle, Pattern, SharedSystem
from catalog.services import SYSTEM_FIELDS, system_search_key
from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import ChoiceWidget, TextWidget

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VALUE_FIELDS = ["name", "name_kana", "pattern", "gov_cloud", "lifecycle", "spec_name", "spec_version", "description"]


class SlugTextWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value, row, **kwargs)
        if text and not SLUG_RE.match(text):
            raise ValueError(
                _("識別子「%(value)s」は英小文字・数字とハイフンで入力してください（例：madoguchi-dx）。")
                % {"value": text}
            )
        return text


class BusinessAreasWidget(widgets.Widget):
    """Business areas separated by 「;」「、」 or 「,」: each by its code (B03), slug or name."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        ctx = kwargs["context"]
        areas: dict[str, BusinessArea] | None = ctx.maps.get("areas")
        if areas is None:
            areas = {}
            for each in BusinessArea.objects.all():
                for name in (each.slug, each.code, each.code.lower(), each.name):
                    areas[name] = each
            ctx.maps["areas"] = areas
        found: list[BusinessArea] = []
        for part in (p.strip() for p in re.split(r"[;、,]", text)):
            if not part:
                continue
            area = areas.get(part) or areas.get(part.lower())
            if area is None:
                raise ValueError(
                    _("業務分野「%(value)s」はありません。コード（例：B03）、識別子または名称で入力してください。")
                    % {"value": part}
                )
            if area not in found:
                found.append(area)
        return tuple(sorted(found, key=lambda a: a.code))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ";".join(a.code for a in value or ())


class SystemResource(resources.Resource):
    slug = fields.Field(attribute="slug", column_name="slug", widget=SlugTextWidget("識別子", 100))
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget("名称", 200))
    name_kana = fields.Field(attribute="name_kana", column_name="name_kana", widget=TextWidget("読み仮名", 400))
    pattern = fields.Field(attribute="pattern", column_name="pattern", widget=ChoiceWidget("共通化パターン", Pattern))
    business_areas = fields.Field(
        attribute="business_areas", column_name="business_areas", widget=BusinessAreasWidget()
    )
    gov_cloud = fields.Field(
        attribute="gov_cloud", column_name="gov_cloud", widget=ChoiceWidget("ガバメントクラウド", GovCloud)
    )
    lifecycle = fields.Field(attribute="lifecycle", column_name="lifecycle", widget=ChoiceWidget("提供状況", Lifecycle))
    spec_name = fields.Field(attribute="spec_name", column_name="spec_name", widget=TextWidget("標準仕様書", 200))
    spec_version = fields.Field(
        attribute="spec_version", column_name="spec_version", widget=TextWidget("標準仕様書の版", 40)
    )
    description = fields.Field(attribute="description", column_name="description", widget=TextWidget("説明", 4000))


@register
class CatalogSystems(ImportKind):
    name = "catalog-systems"
    label = gettext_lazy("カタログのシステム")
    description = gettext_lazy("共通化システムを識別子ごとに登録・更新します（国の職員）。")
    action = "catalog.edit_system"
    resource_class = SystemResource
    columns = [
        Column("slug", "識別子", "madoguchi-dx", help="英小文字・数字・ハイフン"),
        Column("name", "名称", "窓口DXSaaS"),
        Column("name_kana", "読み仮名", "マドグチディーエックスサース"),
        Column("pattern", "共通化パターン", "B", help="パターンA・パターンB・標準化・個別開発"),
        Column("business_areas", "業務分野", "", required=False, help="コードを「;」で区切って（例：B01;B03）"),
        Column("gov_cloud", "ガバメントクラウド", "yes", required=False),
        Column("lifecycle", "提供状況", "available", required=False),
        Column("spec_name", "標準仕様書", "", required=False),
        Column("spec_version", "標準仕様書の版", "", required=False),
        Column("description", "説明", "", required=False),
    ]
    key_fields = ("slug",)
    row_org_field = ""

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['slug']}（{row['name']}）"

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = SharedSystem.objects.filter(slug__in={r["slug"] for r in rows})
        if lock:
            queryset = queryset.select_for_update()
        found = {}
        for system in queryset.prefetch_related("business_areas"):
            areas = tuple(sorted(system.business_areas.all(), key=lambda a: a.code))
            system.area_set = areas  # type: ignore[attr-defined]
            found[(system.slug,)] = system
        return found

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        changes = self.diff_fields(instance, row, VALUE_FIELDS)
        areas = row.get("business_areas")
        if areas is not None and areas != instance.area_set:
            changes["business_areas"] = (
                ";".join(a.code for a in instance.area_set),
                ";".join(a.code for a in areas),
            )
        return changes

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = []
        for _line, row in new:
            system = SharedSystem(slug=row["slug"])
            for name in VALUE_FIELDS:
                if row.get(name) not in (None, ""):
                    setattr(system, name, row[name])
            system.search_key = system_search_key(name=system.name, name_kana=system.name_kana, slug=system.slug)
            created.append((system, row.get("business_areas") or ()))
        SharedSystem.objects.bulk_create([s for s, _a in created])
        ids = dict(SharedSystem.objects.filter(slug__in=[s.slug for s, _a in created]).values_list("slug", "pk"))
        through = SharedSystem.business_areas.through
        links = []
        entries = []
        for system, areas in created:
            system.pk = ids[system.slug]
            links += [through(sharedsystem_id=system.pk, businessarea_id=a.pk) for a in areas]
            entries.append(self._entry(ctx, system, None, areas))
        now = timezone.now()
        for change in changed:
            system = change.instance
            before = self._snapshot(system, system.area_set)
            for name, (_old, value) in change.fields.items():
                if name != "business_areas":
                    setattr(system, name, value)
            system.search_key = system_search_key(name=system.name, name_kana=system.name_kana, slug=system.slug)
            system.updated_at = now
            areas = change.row.get("business_areas") or ()
            if "business_areas" in change.fields:
                through.objects.filter(sharedsystem_id=system.pk).delete()
                links += [through(sharedsystem_id=system.pk, businessarea_id=a.pk) for a in areas]
            else:
                areas = system.area_set
            entries.append(self._entry(ctx, system, before, areas))
        SharedSystem.objects.bulk_update([c.instance for c in changed], [*VALUE_FIELDS, "search_key", "updated_at"])
        through.objects.bulk_create(links)
        catalog_changed()  # bulk writes skip the signals that keep the catalog version
        return entries

    @staticmethod
    def _snapshot(system: SharedSystem, areas: Any) -> dict[str, Any]:
        return audit_snapshot(system, SYSTEM_FIELDS) | {"business_areas": [a.slug for a in areas]}

    def _entry(self, ctx: ImportContext, system: SharedSystem, before: Any, areas: Any) -> dict[str, Any]:
        return {
            "actor": ctx.actor,
            "target": system,
            "action": "import",
            "before": before,
            "after": self._snapshot(system, areas),
            "comment": ctx.audit_comment,
        }
