"""Programs as data: a ministry adds a program, next year's budget or a cap table without a deploy."""

from __future__ import annotations

from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class ProgramKind(models.TextChoices):
    STANDARDIZATION = "standardization", _("標準準拠システム移行経費補助")
    DIGIDEN_TYPE1 = "digiden_type1", _("デジ田交付金 TYPE1")
    DIGIDEN_TYPE2 = "digiden_type2", _("デジ田交付金 TYPE2")
    DIGIDEN_TYPE3 = "digiden_type3", _("デジ田交付金 TYPE3")
    DIGIDEN_TYPE_S = "digiden_type_s", _("デジ田交付金 TYPE S")


class CapBasis(models.TextChoices):
    SUBSIDY = "subsidy", _("補助額に上限")
    PROJECT_COST = "project_cost", _("事業費に上限")


class Program(models.Model):
    """A subsidy or grant program (補助事業・交付金) and how its money is computed."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種類"), max_length=20, choices=ProgramKind.choices)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("所管府省"),
        on_delete=models.PROTECT,
        related_name="subsidy_programs",
        limit_choices_to={"kind": "national"},
    )
    description = models.TextField(_("説明"), blank=True)
    rate_numerator = models.PositiveIntegerField(_("補助率（分子）"), default=1)
    rate_denominator = models.PositiveIntegerField(_("補助率（分母）"), default=1)
    cap = models.PositiveBigIntegerField(_("上限額（円）"), null=True, blank=True)
    cap_basis = models.CharField(_("上限の対象"), max_length=16, choices=CapBasis.choices, default=CapBasis.SUBSIDY)
    uses_organization_caps = models.BooleanField(
        _("団体ごとの補助上限額を使う"),
        default=False,
        help_text=_("補助上限額から交付決定済みの額を差し引いた残額まで。"),
    )
    rounding_unit = models.PositiveIntegerField(_("端数処理の単位（円）"), default=1000)
    routes_through_prefecture = models.BooleanField(_("都道府県を経由する"), default=True)
    acceptance_from = models.DateField(_("受付開始日"))
    acceptance_until = models.DateField(_("受付終了日"))
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        verbose_name = _("補助事業")
        verbose_name_plural = _("補助事業")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def rate(self) -> Fraction:
        return Fraction(self.rate_numerator, self.rate_denominator)

    @property
    def rate_label(self) -> str:
        return f"{self.rate_numerator}/{self.rate_denominator}"

    def clean(self) -> None:
        errors = {}
        if self.rate_denominator == 0 or self.rate_numerator > self.rate_denominator:
            errors["rate_numerator"] = _("補助率は0より大きく1以下の分数にしてください。")
        if self.rounding_unit == 0:
            errors["rounding_unit"] = _("端数処理の単位は1円以上にしてください。")
        if self.acceptance_from and self.acceptance_until and self.acceptance_from > self.acceptance_until:
            errors["acceptance_until"] = _("受付終了日は受付開始日より後にしてください。")
        if errors:
            raise ValidationError(errors)


class EligibleCategory(models.Model):
    """補助対象経費の区分 (A–F for the standardization subsidy): every line item names one."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("区分"), max_length=8)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("補助対象経費の区分")
        verbose_name_plural = _("補助対象経費の区分")
        ordering = ["program", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="subsidies_category_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IneligibleRule(models.Model):
    """補助対象外の経費: a line whose description contains a keyword carries a problem naming this rule."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="ineligible_rules")
    code = models.SlugField(_("コード"), max_length=40)
    title = models.CharField(_("対象外となる経費"), max_length=200)
    guidance = models.TextField(_("説明"), blank=True)
    keywords = models.CharField(
        _("キーワード"),
        max_length=400,
        help_text=_("読点・カンマ・空白で区切ります。説明にどれかを含む明細に指摘を付けます。"),
    )
    exempt_categories = models.CharField(
        _("対象となる区分"),
        max_length=40,
        blank=True,
        help_text=_("この区分の明細には指摘を付けません（例：謝金は区分Aなら対象）。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("補助対象外の経費")
        verbose_name_plural = _("補助対象外の経費")
        ordering = ["program", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="subsidies_rule_unique")]

    def __str__(self) -> str:
        return self.title


class ProgramBudget(models.Model):
    """A program's budget for one fiscal year. `reserved` is what approvals have taken (交付決定額の合計)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="budgets")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    label = models.CharField(_("予算の名称"), max_length=100, blank=True, help_text=_("例：令和5年度補正予算"))
    budget = models.PositiveBigIntegerField(_("予算額（円）"))
    reserved = models.PositiveBigIntegerField(_("交付決定済みの額（円）"), default=0, editable=False)
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        verbose_name = _("年度予算")
        verbose_name_plural = _("年度予算")
        ordering = ["program", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "fiscal_year"], name="subsidies_budget_unique"),
            models.CheckConstraint(condition=models.Q(reserved__lte=models.F("budget")), name="subsidies_budget_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.fiscal_year}"

    @property
    def remaining(self) -> int:
        return self.budget - self.reserved


class OrganizationCap(models.Model):
    """補助上限額 of one organization under a program, and what has been granted against it."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="subsidy_caps")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="organization_caps")
    cap = models.PositiveBigIntegerField(_("補助上限額（円）"))
    granted = models.PositiveBigIntegerField(_("交付決定済みの額（円）"), default=0)
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        verbose_name = _("団体別補助上限額")
        verbose_name_plural = _("団体別補助上限額")
        ordering = ["program", "organization__slug"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "program"], name="subsidies_cap_unique"),
            models.CheckConstraint(condition=models.Q(granted__lte=models.F("cap")), name="subsidies_cap_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.program}"

    @property
    def remaining(self) -> int:
        return self.cap - self.granted
