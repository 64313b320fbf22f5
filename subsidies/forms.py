"""Forms of the claim pages. Validation of lines is the service's (`checks.validate_lines`): one path."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from catalog.models import BusinessArea

from .models import BprRoute, Program


class ClaimForm(forms.Form):
    title = forms.CharField(label=_("事業名"), max_length=200)
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    businesses = forms.ModelMultipleChoiceField(
        label=_("対象の標準化対象事務"),
        queryset=BusinessArea.objects.filter(is_standardized=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("この申請で移行する業務を選んでください（業務別の集計に使います）。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, fiscal_years: list[tuple[int, str]], fixed_year: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_years  # type: ignore[attr-defined]
        if not BusinessArea.objects.filter(is_standardized=True).exists():
            del self.fields["businesses"]  # nothing to choose until the catalog's business list is loaded
        if fixed_year is not None:
            # A saved claim keeps its fiscal year: shown, not changed.
            self.fields["fiscal_year"].disabled = True
            self.fields["fiscal_year"].initial = fixed_year


class LineForm(forms.Form):
    category = forms.ChoiceField(label=_("経費区分"))
    description = forms.CharField(label=_("内容"), max_length=200, required=False)
    vendor = forms.CharField(label=_("契約先"), max_length=100, required=False)
    amount = forms.CharField(
        label=_("金額（円）"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    justification = forms.CharField(
        label=_("補助対象とする理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("指摘がある明細を補助対象として申請する場合に書いてください（審査する職員が読みます）。"),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(c.code, f"{c.code} {c.name}") for c in program.categories.all()]
        self.fields["category"].choices = choices  # type: ignore[attr-defined]
        self.fields["category"].required = False

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip() for name in ("description", "vendor", "amount"))


LineFormSet = formset_factory(LineForm, extra=3, can_delete=True, max_num=200, absolute_max=200)


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("コメント"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.IntegerField(label=_("交付決定額（円）"), required=False, min_value=1)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"), help_text=_("見積書・契約書など。PDF・Excel・Word・CSV・PNG・JPEG、10MBまで。")
    )
    description = forms.CharField(label=_("説明"), max_length=200, required=False)


class ResultForm(forms.Form):
    implementation_status = forms.CharField(label=_("実施状況"), widget=forms.Textarea(attrs={"rows": 4}))
    effects = forms.CharField(label=_("事業の効果"), widget=forms.Textarea(attrs={"rows": 4}))
    published = forms.BooleanField(label=_("ポータルで公表する"), required=False, initial=True)


class PlanForm(forms.Form):
    uses_madoguchi_saas = forms.BooleanField(label=_("窓口DX SaaSを利用する"), required=False)
    bpr_route = forms.ChoiceField(label=_("BPRの実施"), choices=BprRoute.choices, widget=forms.RadioSelect)
    service_name = forms.CharField(label=_("導入するサービス"), max_length=200, required=False)


class ScoreForm(forms.Form):
    uses_madoguchi_saas = forms.BooleanField(label=_("窓口DX SaaSを利用する"), required=False)
    bpr_route = forms.ChoiceField(
        label=_("BPRの実施"), choices=BprRoute.choices, widget=forms.RadioSelect, initial=BprRoute.NONE
    )
    base_score = forms.IntegerField(label=_("加点前の評価点（任意）"), required=False, min_value=0, max_value=100)
