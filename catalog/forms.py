"""Forms of the catalog pages: they parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.japanese import fiscal_year_label

from .models import (
    AdoptionStatus,
    BusinessArea,
    MigrationStatus,
    MigrationStatusValue,
    Offering,
    SharedSystem,
    StepState,
)
from .reporting import FIRST_PLANNED_YEAR, LAST_PLANNED_YEAR

GOV_CLOUD_CHOICES = [("", _("未回答")), ("yes", _("利用している")), ("no", _("利用していない"))]


def _tri_state(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class MigrationRowForm(forms.Form):
    """One business's row of the migration-status form (prefix = the business slug)."""

    status = forms.ChoiceField(label=_("進捗"), choices=MigrationStatusValue.choices)
    planned_fiscal_year = forms.TypedChoiceField(label=_("移行予定年度"), coerce=int, required=False, empty_value=None)
    vendor_name = forms.CharField(label=_("事業者"), max_length=200, required=False)
    on_gov_cloud = forms.TypedChoiceField(
        label=_("ガバメントクラウド"), choices=GOV_CLOUD_CHOICES, coerce=_tri_state, required=False, empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, business_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = [("", _("未定"))] + [
            (y, fiscal_year_label(y)) for y in range(FIRST_PLANNED_YEAR, LAST_PLANNED_YEAR + 1)
        ]
        self.fields["planned_fiscal_year"].choices = years  # type: ignore[attr-defined]
        self.business_name = business_name
        for field in self.fields.values():
            # Each cell's label names its business, so a screen reader hears "児童手当 進捗".
            field.widget.attrs.setdefault("aria-label", f"{business_name} {field.label}")

    @staticmethod
    def initial_for(row: MigrationStatus) -> dict[str, Any]:
        cloud = "" if row.on_gov_cloud is None else ("yes" if row.on_gov_cloud else "no")
        return {
            "status": row.status,
            "planned_fiscal_year": row.planned_fiscal_year or "",
            "vendor_name": row.vendor_name,
            "on_gov_cloud": cloud,
            "version": row.version,
        }

    def differs_from(self, row: MigrationStatus) -> bool:
        data = self.cleaned_data
        return (
            data["status"] != row.status
            or data["planned_fiscal_year"] != row.planned_fiscal_year
            or data["vendor_name"].strip() != row.vendor_name
            or data["on_gov_cloud"] != row.on_gov_cloud
        )


class StepProgressForm(forms.Form):
    """The state of each step of one business; one field per step, named by its number."""

    def __init__(self, *args: Any, steps: list[Any], current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        for step in steps:
            self.fields[f"step_{step.number}"] = forms.ChoiceField(
                label=f"{step.number}. {step.name}",
                choices=StepState.choices,
                initial=current.get(step.pk, StepState.NOT_STARTED),
            )

    def states(self) -> dict[Any, str]:
        return {step: self.cleaned_data[f"step_{step.number}"] for step in self.steps}


class AdoptionForm(forms.Form):
    system = forms.ModelChoiceField(label=_("システム"), queryset=SharedSystem.objects.order_by("name_kana"))
    offering = forms.ModelChoiceField(
        label=_("提供サービス（パターンBのみ）"), queryset=Offering.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("状況"), choices=AdoptionStatus.choices)
    since = forms.DateField(label=_("開始日"), required=False, help_text=_("例: 2025-04-01"))
    note = forms.CharField(label=_("備考"), max_length=400, required=False)

    def __init__(self, *args: Any, offerings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings  # type: ignore[attr-defined]


class OfferingForm(forms.ModelForm):
    marketplace_url = forms.URLField(label=_("マーケットプレイスのURL"), required=False, assume_scheme="https")

    class Meta:
        model = Offering
        fields = [
            "slug",
            "product_name",
            "spec_version",
            "price_model",
            "price_min",
            "price_max",
            "gov_cloud_hosted",
            "marketplace_url",
        ]
        help_texts = {
            "slug": _("URLに使う半角英数字とハイフン（例: demo-madoguchi-cloud）"),
            "price_min": _("年額の目安（円、整数）"),
            "price_max": _("年額の目安（円、整数）"),
        }


class SystemForm(forms.ModelForm):
    """A catalog entry, edited by national officials (the service computes the search key and audits)."""

    business_areas = forms.ModelMultipleChoiceField(
        label=_("業務分野"),
        queryset=BusinessArea.objects.order_by("order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SharedSystem
        fields = [
            "name",
            "name_kana",
            "slug",
            "pattern",
            "business_areas",
            "owner",
            "description",
            "spec_name",
            "spec_version",
            "gov_cloud",
            "lifecycle",
        ]
        help_texts = {"slug": _("URLに使う半角英数字とハイフン（例: madoguchi-dx-saas）")}


class OfferingEditForm(OfferingForm):
    class Meta(OfferingForm.Meta):
        fields = [f for f in OfferingForm.Meta.fields if f != "slug"]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("コメント（非承認の場合は理由）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
