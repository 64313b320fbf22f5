"""The pages' forms: register or edit a procurement, answer an invitation, add a document, filter the dashboard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import SharedSystem
from portal.japanese import parse_date
from portal.models import Organization

from .models import ANSWER_STATUSES, DocumentVisibility, Funding, Method, ProcurementCategory, Status


class JapaneseDateField(forms.DateField):
    """A date typed as ISO (2026-04-01) or in 和暦 (R8.4.1, 令和8年4月1日)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return parse_date(str(value))
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(_("日付は 2026-04-01 または 令和8年4月1日 の形で入力してください。")) from exc


def _yen(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10**13,
        help_text=help_text or _("円（整数）"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _weight(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "share-weight"}),
    )


class ProcurementForm(forms.Form):
    title = forms.CharField(label=_("件名"), max_length=200, help_text=_("例：長野県市町村 電子申請システム共同調達"))
    category = forms.ModelChoiceField(
        label=_("調達分野"), queryset=ProcurementCategory.objects.all(), to_field_name="slug"
    )
    system: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("カタログのシステム"),
        queryset=SharedSystem.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )
    method = forms.ChoiceField(label=_("調達方法"), choices=Method.choices)
    status = forms.ChoiceField(
        label=_("登録時の状況"),
        choices=[(Status.PLANNING.value, Status.PLANNING.label), (Status.RECRUITING.value, Status.RECRUITING.label)],
        help_text=_("「企画中」の間は、県・国・招待した市区町村だけが見られます。「参加団体募集中」から公開されます。"),
    )
    description = forms.CharField(label=_("概要"), required=False, widget=forms.Textarea)
    recruiting_deadline = JapaneseDateField(label=_("参加意向の回答期限"), required=False)
    tender_date = JapaneseDateField(label=_("入札・選定日"), required=False)
    contract_date = JapaneseDateField(label=_("契約日"), required=False)
    operation_start = JapaneseDateField(label=_("運用開始日"), required=False)
    end_date = JapaneseDateField(label=_("契約終了日"), required=False)
    estimated_amount = _yen(
        _("予定価格（見込額）"), _("円（整数）。契約金額が決まるまでは、この額で負担額を試算します。")
    )
    contract_amount = _yen(_("契約金額"), _("円（整数）。入力すると負担額はこの額で計算します。"))
    awarded_vendor_name = forms.CharField(label=_("受注事業者"), max_length=200, required=False)
    initial_cost = _yen(_("初期費用"))
    annual_running_cost = _yen(_("年間運用費用"))
    funding = forms.ChoiceField(label=_("財源"), choices=[("", _("未定")), *Funding.choices], required=False)
    funding_note = forms.CharField(label=_("財源の補足"), max_length=200, required=False)
    spec_shareable = forms.BooleanField(label=_("仕様書をほかの団体に提供できる"), required=False)
    contact_department = forms.CharField(label=_("担当部署"), max_length=200, required=False)
    share_equal = _weight(_("均等割（％）"))
    share_population = _weight(_("人口割（％）"))
    share_usage = _weight(_("利用量割（％）"))
    participants = forms.MultipleChoiceField(
        label=_("招待する市区町村"), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = {
        "basics": ["title", "category", "system", "method", "status", "description", "contact_department"],
        "dates": ["recruiting_deadline", "tender_date", "contract_date", "operation_start", "end_date"],
        "money": [
            "estimated_amount",
            "contract_amount",
            "awarded_vendor_name",
            "initial_cost",
            "annual_running_cost",
            "funding",
            "funding_note",
            "spec_shareable",
        ],
        "sharing": ["share_equal", "share_population", "share_usage"],
    }

    def __init__(self, *args: Any, prefecture: Organization, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .selectors import municipalities_of

        self.municipalities = list(municipalities_of(prefecture))
        participants = self.fields["participants"]
        assert isinstance(participants, forms.MultipleChoiceField)
        participants.choices = [(m.code, m.name) for m in self.municipalities]
        if editing:
            del self.fields["status"]

    @property
    def sections(self) -> dict[str, list[forms.BoundField]]:
        """The fields by fieldset, for the template."""
        return {name: [self[f] for f in names if f in self.fields] for name, names in self.SECTIONS.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(f) or Decimal(0) for f in ("share_equal", "share_population", "share_usage")]
        if (
            not any(self.errors.get(f) for f in ("share_equal", "share_population", "share_usage"))
            and sum(weights) != 100
        ):
            self.add_error(
                "share_equal",
                _("均等割・人口割・利用量割の合計を100％にしてください（いまは%(sum)s％）。") % {"sum": sum(weights)},
            )
        return data

    def cost_sharing(self) -> dict[str, str]:
        """The weights as the service takes them ({"equal": "0.3", …})."""
        keys = {"share_equal": "equal", "share_population": "population", "share_usage": "usage"}
        return {key: str((self.cleaned_data.get(f) or Decimal(0)) / 100) for f, key in keys.items()}

    def fields_for_service(self) -> dict[str, Any]:
        skip = {"status", "participants", "version", "share_equal", "share_population", "share_usage"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("回答"), choices=[(s.value, s.label) for s in ANSWER_STATUSES])
    comment = forms.CharField(
        label=_("コメント（任意）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    usage_units = forms.IntegerField(
        label=_("利用量（任意）"),
        required=False,
        min_value=0,
        max_value=10**9,
        help_text=_("利用量割に使う数（利用者数・端末台数など）"),
    )
    standalone_estimate = _yen(
        _("単独で調達した場合の見込額（任意）"), _("円（整数）。共同調達による削減額を示すのに使います。")
    )


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("コメント（任意）"), required=False, max_length=2000)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("資料名"), max_length=200)
    file = forms.FileField(label=_("ファイル"), help_text=_("PDF・Word・Excel・CSV・ZIP、20MBまで"))
    visibility = forms.ChoiceField(
        label=_("公開範囲"), choices=DocumentVisibility.choices, initial=DocumentVisibility.PARTICIPANTS
    )


class DashboardFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("調達分野"),
        queryset=ProcurementCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("すべて"),
    )
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    population_min = forms.IntegerField(label=_("参加団体の合計人口（以上）"), min_value=0, required=False)
    population_max = forms.IntegerField(label=_("参加団体の合計人口（以下）"), min_value=0, required=False)
    participants_min = forms.IntegerField(label=_("参加団体数（以上）"), min_value=0, required=False)
    participants_max = forms.IntegerField(label=_("参加団体数（以下）"), min_value=0, required=False)

    def __init__(self, *args: Any, prefectures: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["prefecture"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("すべて")), *[(p.prefecture_code, p.name) for p in prefectures]]
