"""Cell widgets: one validation function per kind of column, for every import (small files and large ones alike).

They are django-import-export widgets: `clean(value, row=None, context=...)` returns the Python value or raises
ValueError with a Japanese message that says what is wrong and how to fix it; `render(value)` writes the value back
the way the template shows it, so an export re-imports unchanged. Lookups use maps the kind prepared once in the
`ImportContext` (no query per row). Cells reach them already NFKC-normalized and stripped (files.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from import_export import widgets

from portal.japanese import fiscal_year_label, parse_date, validate_code

MAX_INTEGER = 10**12 - 1  # larger than any yen amount or population we hold; beyond it is a typo


def _ctx(kwargs: dict[str, Any]) -> Any:
    return kwargs["context"]


class TextWidget(widgets.CharWidget):
    def __init__(self, label: str, max_length: int = 200) -> None:
        super().__init__(allow_blank=True)
        self.label = label
        self.max_length = max_length

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = str(value or "")
        if text.startswith("="):
            raise ValueError(
                _("%(label)sに数式（「=」で始まる値）は取り込めません。計算結果の値を入力してください：%(value)s")
                % {"label": _(self.label), "value": text[:40]}
            )
        if len(text) > self.max_length:
            raise ValueError(
                _("%(label)sが長すぎます（%(n)d文字。上限 %(max)d文字）。")
                % {"label": _(self.label), "n": len(text), "max": self.max_length}
            )
        return text


class IntegerWidget(widgets.IntegerWidget):
    """A non-negative integer (yen, people, numbers). Accepts 1,234 and 全角 digits (already normalized)."""

    def __init__(self, label: str, minimum: int = 0, maximum: int = MAX_INTEGER) -> None:
        super().__init__()
        self.label = label
        self.minimum = minimum
        self.maximum = maximum

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = str(value or "").replace(",", "").replace("円", "").replace("人", "")
        if text == "":
            return None
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            raise ValueError(
                _("%(label)sは整数で入力してください（小数・文字は使えません）：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        number = int(Decimal(text))
        if number < self.minimum:
            raise ValueError(
                _("%(label)sは%(min)s以上の整数で入力してください：%(value)s")
                % {"label": _(self.label), "min": f"{self.minimum:,}", "value": value}
            )
        if number > self.maximum:
            raise ValueError(
                _("%(label)sが大きすぎます（上限 %(max)s）。桁を確認してください：%(value)s")
                % {"label": _(self.label), "max": f"{self.maximum:,}", "value": value}
            )
        return number


class ChoiceWidget(widgets.Widget):
    """One of a TextChoices: its API value or its Japanese label."""

    def __init__(self, label: str, choices: type[TextChoices]) -> None:
        super().__init__()
        self.label = label
        self.choices = choices
        self.lookup = {}
        for value, text in choices.choices:
            self.lookup[value.lower()] = value
            self.lookup[str(text)] = value

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str | None:
        text = str(value or "")
        if text == "":
            return None
        found = self.lookup.get(text) or self.lookup.get(text.lower())
        if found is None:
            allowed = "、".join(f"{label}（{v}）" for v, label in self.choices.choices)
            raise ValueError(
                _("%(label)s「%(value)s」は使えません。次のいずれかを入力してください：%(allowed)s")
                % {"label": _(self.label), "value": text, "allowed": allowed}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class BooleanWidget(widgets.Widget):
    TRUE = {"yes", "true", "1", "はい", "○", "〇", "あり", "有", "利用", "y"}
    FALSE = {"no", "false", "0", "いいえ", "×", "なし", "無", "未利用", "n"}

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        text = str(value or "").lower()
        if text == "":
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(
            _("%(label)sは「yes」か「no」（はい／いいえ）で入力してください：%(value)s")
            % {"label": _(self.label), "value": value}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else ("yes" if value else "no")


_ERA_FY = re.compile(r"(令和|R)(\d+|元)年?度?", re.IGNORECASE)


class FiscalYearWidget(widgets.Widget):
    """A fiscal year: 2026, 令和8年度 or R8."""

    def __init__(self, label: str, minimum: int = 2019, maximum: int = 2040) -> None:
        super().__init__()
        self.label = label
        self.minimum = minimum
        self.maximum = maximum

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = str(value or "").removesuffix("年度")
        if text == "":
            return None
        match = _ERA_FY.fullmatch(str(value))
        if match:
            year = 2018 + (1 if match.group(2) == "元" else int(match.group(2)))
        elif text.isdigit():
            year = int(text)
        else:
            raise ValueError(
                _("%(label)sは西暦（例：2026）か和暦（例：令和8年度）で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        if not self.minimum <= year <= self.maximum:
            raise ValueError(
                _("%(label)sは%(a)sから%(b)sまでで入力してください：%(value)s")
                % {
                    "label": _(self.label),
                    "a": fiscal_year_label(self.minimum),
                    "b": fiscal_year_label(self.maximum),
                    "value": value,
                }
            )
        return year


class DateWidget(widgets.Widget):
    """A date: 2026-04-01, 2026/4/1, R8.4.1 or 令和8年4月1日 (a time after a space, as spreadsheets write it, is ignored)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        try:
            return parse_date(text.split(" ")[0])
        except ValueError as exc:
            raise ValueError(
                _("%(label)sは日付（例：2026-04-01、令和8年4月1日）で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            ) from exc

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class MonthWidget(widgets.Widget):
    """A month (2026-01, 2026/1, R8.1, 令和8年1月) or a date, kept as the first day of the month."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", text)
        try:
            if match:
                return dt.date(int(match.group(1)), int(match.group(2)), 1)
            for candidate in (text, f"{text}1日" if text.endswith("月") else f"{text}.1"):
                try:
                    return parse_date(candidate).replace(day=1)
                except ValueError:
                    continue
        except ValueError:
            pass
        raise ValueError(
            _("%(label)sは年月（例：2026-01、令和8年1月）で入力してください：%(value)s")
            % {"label": _(self.label), "value": value}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.strftime("%Y-%m") if value else ""


class RateWidget(widgets.Widget):
    """A rate from 0 to 1 (0.65) or a percentage (65%), kept with four decimals."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = str(value or "")
        if text == "":
            return None
        try:
            rate = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        except InvalidOperation as exc:
            raise ValueError(
                _("%(label)sは0から1までの数（例：0.65）か百分率（例：65%%）で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            ) from exc
        if not Decimal(0) <= rate <= Decimal(1):
            raise ValueError(
                _("%(label)sは0から1まで（0%%〜100%%）で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        return rate.quantize(Decimal("0.0001"))


class OrganizationWidget(widgets.Widget):
    """An organization named by its 6-digit code (check digit verified) or by its name within a prefecture."""

    def __init__(self, label: str, kinds: tuple[str, ...] = ("municipality",)) -> None:
        super().__init__()
        self.label = label
        self.kinds = kinds

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        index = _ctx(kwargs).organizations
        if text.isdigit():
            code = validate_code(text)  # ValueError with the Japanese message (length, check digit)
            org = index.by_code.get(code)
            if org is None:
                raise ValueError(
                    _("団体コード %(code)s の団体はありません。全国地方公共団体コード（6桁）を確認してください。")
                    % {"code": code}
                )
        else:
            org = index.find_by_name(text, _ctx(kwargs).home_prefecture_id)
        if org.kind not in self.kinds:
            raise ValueError(
                _("%(name)sは%(label)sとして指定できません（市区町村を指定してください）。")
                % {"name": org, "label": _(self.label)}
            )
        return org

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class BusinessWidget(widgets.Widget):
    """One of the 20 standardized businesses: its slug (resident_registry), code (B03) or Japanese name."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "")
        if text == "":
            return None
        businesses = _ctx(kwargs).businesses
        found = businesses.get(text) or businesses.get(text.lower()) or businesses.get(text.upper())
        if found is None:
            raise ValueError(
                _(
                    "業務「%(value)s」は標準化対象の20業務にありません。業務コード（B01〜B20）、識別子（例：resident_registry）または業務名（例：住民基本台帳）で入力してください。"
                )
                % {"value": text}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""
