"""`offerings`: vendors' products of catalog systems (national officials), matched by their slug.

The rules are the offering form's (catalog/services.py): a registered vendor by its slug, the system by its slug, the
price range in order, a valid marketplace URL. An existing offering keeps its system and vendor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from catalog.freshness import catalog_changed
from catalog.models import Offering, OfferingStatus, SharedSystem
from catalog.services import OFFERING_FIELDS
from portal.audit import audit_snapshot
from portal.imports.kinds import Change, Column, ImportContext, ImportKind, register
from portal.imports.widgets import BooleanWidget, ChoiceWidget, IntegerWidget, TextWidget
from portal.models import Organization, OrganizationKind

from .adoptions import SlugWidget
from .systems import SlugTextWidget

AUDITED = [*OFFERING_FIELDS, "status"]


class VendorWidget(widgets.Widget):
    """A registered vendor by its slug (as in its address on the portal)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        ctx = kwargs["context"]
        vendors = ctx.maps.get("vendors")
        if vendors is None:
            vendors = ctx.maps["vendors"] = {
                o.slug: o for o in Organization.objects.filter(kind=OrganizationKind.VENDOR)
            }
        vendor = vendors.get(text) or vendors.get(text.lower())
        if vendor is None:
            raise ValueError(
                _(
                    "事業者「%(value)s」はポータルに登録されていません。事業者の識別子（例：demo-vendor）を入力してください。"
                )
                % {"value": text}
            )
        return vendor

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


class UrlWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value, row, **kwargs)
        if text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError as exc:
                raise ValueError(
                    _("%(label)sは https:// で始まるアドレスで入力してください：%(value)s")
                    % {"label": _(self.label), "value": text[:80]}
                ) from exc
        return text


class OfferingResource(resources.Resource):
    slug = fields.Field(attribute="slug", column_name="slug", widget=SlugTextWidget("識別子", 100))
    system = fields.Field(
        attribute="system", column_name="system", widget=SlugWidget("システム", "systems", SharedSystem)
    )
    vendor = fields.Field(attribute="vendor", column_name="vendor", widget=VendorWidget())
    product_name = fields.Field(attribute="product_name", column_name="product_name", widget=TextWidget("製品名", 200))
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceWidget("公開状況", OfferingStatus))
    spec_version = fields.Field(
        attribute="spec_version", column_name="spec_version", widget=TextWidget("準拠する標準仕様の版", 40)
    )
    price_model = fields.Field(attribute="price_model", column_name="price_model", widget=TextWidget("料金体系", 200))
    price_min = fields.Field(
        attribute="price_min", column_name="price_min", widget=IntegerWidget("参考価格（下限・円）")
    )
    price_max = fields.Field(
        attribute="price_max", column_name="price_max", widget=IntegerWidget("参考価格（上限・円）")
    )
    gov_cloud_hosted = fields.Field(
        attribute="gov_cloud_hosted", column_name="gov_cloud_hosted", widget=BooleanWidget("ガバメントクラウド上で提供")
    )
    marketplace_url = fields.Field(
        attribute="marketplace_url", column_name="marketplace_url", widget=UrlWidget("マーケットプレイスのURL", 200)
    )


@register
class Offerings(ImportKind):
    name = "offerings"
    label = gettext_lazy("提供サービス")
    description = gettext_lazy("事業者の提供サービスを識別子ごとに登録・更新します（国の職員）。")
    action = "catalog.review_offering"
    resource_class = OfferingResource
    columns = [
        Column("slug", "識別子", "demo-vendor-madoguchi", help="英小文字・数字・ハイフン"),
        Column("system", "システム", "madoguchi-dx", help="カタログのシステムの識別子"),
        Column("vendor", "提供事業者", "demo-vendor", help="事業者の識別子"),
        Column("product_name", "製品名", "窓口クラウド"),
        Column(
            "status", "公開状況", "published", required=False, help="審査待ち・公開・非承認（空欄：新規は審査待ち）"
        ),
        Column("spec_version", "準拠する標準仕様の版", "", required=False),
        Column("price_model", "料金体系", "", required=False),
        Column("price_min", "参考価格（下限・円）", "", required=False),
        Column("price_max", "参考価格（上限・円）", "", required=False),
        Column("gov_cloud_hosted", "ガバメントクラウド上で提供", "yes", required=False, help="yes / no"),
        Column("marketplace_url", "マーケットプレイスのURL", "", required=False),
    ]
    key_fields = ("slug",)
    row_org_field = ""

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['slug']}（{row['product_name']}）"

    def check_row(self, ctx: ImportContext, row: dict[str, Any]) -> tuple[str, str] | None:
        low, high = row.get("price_min"), row.get("price_max")
        if low is not None and high is not None and low > high:
            return ("price_max", _("参考価格の上限は下限以上にしてください。"))
        owners = ctx.maps.get("offering_owners")
        if owners is None:
            owners = ctx.maps["offering_owners"] = {
                slug: (system_id, vendor_id)
                for slug, system_id, vendor_id in Offering.objects.values_list("slug", "system_id", "vendor_id")
            }
        owner = owners.get(row["slug"])
        if owner is not None and owner != (row["system"].pk, row["vendor"].pk):
            return (
                "slug",
                _(
                    "識別子「%(slug)s」はほかのシステムまたは事業者の提供サービスとして登録済みです。識別子を確認してください。"
                )
                % {"slug": row["slug"]},
            )
        return None

    def load_existing(
        self, ctx: ImportContext, rows: list[dict[str, Any]], *, lock: bool
    ) -> dict[tuple[Any, ...], Any]:
        queryset = Offering.objects.filter(slug__in={r["slug"] for r in rows})
        if lock:
            queryset = queryset.select_for_update()
        return {(o.slug,): o for o in queryset}

    def diff(self, instance: Any, row: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        return self.diff_fields(instance, row, AUDITED)

    def write(
        self, ctx: ImportContext, new: list[tuple[int, dict[str, Any]]], changed: list[Change]
    ) -> list[dict[str, Any]]:
        created = []
        for _line, row in new:
            offering = Offering(slug=row["slug"], system=row["system"], vendor=row["vendor"])
            for name in AUDITED:
                if row.get(name) is not None:
                    setattr(offering, name, row[name])
            created.append(offering)
        Offering.objects.bulk_create(created)
        ids = dict(Offering.objects.filter(slug__in=[o.slug for o in created]).values_list("slug", "pk"))
        entries = []
        for offering in created:
            offering.pk = ids[offering.slug]
            entries.append(self._entry(ctx, offering, None))
        now = timezone.now()
        for change in changed:
            before = audit_snapshot(change.instance, AUDITED)
            for name, (_old, value) in change.fields.items():
                setattr(change.instance, name, value)
            change.instance.updated_at = now
            entries.append(self._entry(ctx, change.instance, before))
        Offering.objects.bulk_update([c.instance for c in changed], [*AUDITED, "updated_at"])
        catalog_changed()  # bulk writes skip the signals that keep the catalog version
        return entries

    @staticmethod
    def _entry(ctx: ImportContext, offering: Offering, before: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "actor": ctx.actor,
            "target": offering,
            "action": "import",
            "before": before,
            "after": audit_snapshot(offering, AUDITED),
            "comment": ctx.audit_comment,
        }
