"""Cell widgets of the subsidy import kinds (subsidies/resources.py): program, ministry, rate as a fraction."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from import_export import widgets

from portal.imports.kinds import ImportContext
from portal.models import Organization, OrganizationKind

from .models import Program


def programs_by_code(ctx: ImportContext) -> dict[str, Program]:
    """Every program by code, loaded once per import."""
    if "subsidy_programs" not in ctx.maps:
        ctx.maps["subsidy_programs"] = {p.code: p for p in Program.objects.all()}
    programs: dict[str, Program] = ctx.maps["subsidy_programs"]
    return programs


def ministries(ctx: ImportContext) -> dict[str, Organization]:
    """The ministries (national organizations) by slug, loaded once per import."""
    if "ministries" not in ctx.maps:
        ctx.maps["ministries"] = {o.slug: o for o in Organization.objects.filter(kind=OrganizationKind.NATIONAL)}
    found: dict[str, Organization] = ctx.maps["ministries"]
    return found


class ProgramWidget(widgets.Widget):
    """A program by its code (e.g. standardization)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Program | None:
        text = str(value or "")
        if text == "":
            return None
        program = programs_by_code(kwargs["context"]).get(text)
        if program is None:
            raise ValueError(
                _("補助事業「%(code)s」はありません。補助事業のコード（例：standardization）で入力してください。")
                % {"code": text}
            )
        return program

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class MinistryWidget(widgets.Widget):
    """The owning ministry by its slug (e.g. soumu)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organization | None:
        text = str(value or "")
        if text == "":
            return None
        found = ministries(kwargs["context"]).get(text.lower())
        if found is None:
            raise ValueError(
                _("%(label)s「%(value)s」はありません。府省の識別子（例：soumu）で入力してください。")
                % {"label": _(self.label), "value": text}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


class FractionWidget(widgets.Widget):
    """A subsidy rate as a fraction (1/2, 3/4, 10/10): more than 0 and at most 1."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Fraction | None:
        text = str(value or "").replace(" ", "")
        if text == "":
            return None
        numerator, slash, denominator = text.partition("/")
        if not (numerator.isdigit() and (not slash or denominator.isdigit())):
            raise ValueError(
                _("%(label)sは分数（例：1/2、3/4、10/10）で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        if (slash and int(denominator) == 0) or int(numerator) == 0:
            raise ValueError(
                _("%(label)sは0より大きく1以下の分数で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        rate = Fraction(int(numerator), int(denominator) if slash else 1)
        if rate > 1:
            raise ValueError(
                _("%(label)sは0より大きく1以下の分数で入力してください：%(value)s")
                % {"label": _(self.label), "value": value}
            )
        return rate

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return f"{value.numerator}/{value.denominator}" if value is not None else ""
