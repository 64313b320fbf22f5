"""The filters of a dashboard page or API call, validated with messages in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.japanese import is_valid_code
from portal.models import PopulationBand

from .selectors.base import Filters, prefecture_tiles


class FilterForm(forms.Form):
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    population_band = forms.ChoiceField(label=_("人口規模"), required=False)
    business = forms.ChoiceField(label=_("業務"), required=False)
    municipality = forms.CharField(
        label=_("市区町村（団体コード6桁）"), required=False, max_length=6, help_text=_("例：205419（小布施町）")
    )

    def __init__(
        self,
        data: Any,
        *,
        offered: tuple[str, ...],
        businesses: dict[str, str],
        municipality_exists: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(data)
        all_ = [("", _("すべて"))]
        choices: dict[str, list[tuple[str, Any]]] = {
            "prefecture": all_ + [(code, name) for code, name, _c, _r in prefecture_tiles()],
            "population_band": all_ + list(PopulationBand.choices),
            "business": all_ + list(businesses.items()),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        self.municipality_exists = municipality_exists
        for name in list(self.fields):
            if name not in offered:
                del self.fields[name]

    def _to_prefecture_number(self, value: str) -> str:
        # The API accepts the 2-digit number (13) or the prefecture's 6-digit code (130001).
        if len(value) == 6 and value.isdigit() and value[2:5] == "000" and is_valid_code(value):
            return value[:2]
        return value

    def full_clean(self) -> None:
        if self.is_bound and "prefecture" in self.fields and self.data.get("prefecture"):
            data = dict(self.data.items())
            data["prefecture"] = self._to_prefecture_number(str(data["prefecture"]))
            self.data = data
        super().full_clean()

    def clean_municipality(self) -> str:
        code = self.cleaned_data.get("municipality", "")
        if not code:
            return ""
        if not is_valid_code(code):
            raise forms.ValidationError(_("団体コードは6桁（検査数字つき）で入力してください。"))
        if self.municipality_exists is not None and not self.municipality_exists(code):
            raise forms.ValidationError(_("この団体コードの市区町村は集計にありません。"))
        return code

    def filters(self) -> Filters:
        """The valid filters (an invalid one is dropped; its message is in `errors`)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        values = {name: data.get(name) or "" for name in ("prefecture", "population_band", "business", "municipality")}
        if values["municipality"]:
            values["prefecture"] = values["municipality"][:2]
        return Filters(**values)
