"""Shared systems by commonization pattern (共通化パターン), their offerings and business areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class Pattern(models.TextChoices):
    A = "A", _("パターンA")
    B = "B", _("パターンB")
    STANDARDIZED = "standardized", _("標準化")
    INDIVIDUAL = "individual", _("個別開発")


class GovCloud(models.TextChoices):
    YES = "yes", _("ガバメントクラウド上で稼働")
    NO = "no", _("ガバメントクラウド外")
    PARTLY = "partly", _("一部ガバメントクラウド")


class Lifecycle(models.TextChoices):
    PLANNED = "planned", _("計画中")
    AVAILABLE = "available", _("提供中")
    RETIRING = "retiring", _("提供終了予定")


class BusinessArea(models.Model):
    """業務分野: the 20 standardized businesses (B01–B20) and other areas (窓口, 防災, 教育 …)."""

    slug = models.SlugField(_("識別子"), max_length=64, unique=True)
    code = models.CharField(_("コード"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    is_standardized = models.BooleanField(_("標準化対象事務"), default=False)
    category = models.CharField(_("分類"), max_length=40, blank=True)
    ministry = models.ForeignKey(
        Organization,
        verbose_name=_("所管府省"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "national"},
    )
    aliases = models.CharField(_("別名"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("業務分野")
        verbose_name_plural = _("業務分野")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SharedSystem(models.Model):
    """A system municipalities can use, under one commonization pattern."""

    slug = models.SlugField(_("識別子"), max_length=100, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("読み仮名"), max_length=400, help_text=_("カタカナまたはひらがな。検索に使います。"))
    search_key = models.CharField(max_length=800, blank=True, editable=False, db_index=True)
    pattern = models.CharField(_("共通化パターン"), max_length=16, choices=Pattern.choices, db_index=True)
    business_areas = models.ManyToManyField(
        BusinessArea, verbose_name=_("業務分野"), related_name="systems", blank=True
    )
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("所有者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_systems",
    )
    description = models.TextField(_("説明"), blank=True)
    spec_name = models.CharField(_("標準仕様書"), max_length=200, blank=True)
    spec_version = models.CharField(_("標準仕様書の版"), max_length=40, blank=True)
    gov_cloud = models.CharField(_("ガバメントクラウド"), max_length=8, choices=GovCloud.choices, default=GovCloud.NO)
    lifecycle = models.CharField(
        _("提供状況"), max_length=12, choices=Lifecycle.choices, default=Lifecycle.AVAILABLE, db_index=True
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("共通化システム")
        verbose_name_plural = _("共通化システム")
        ordering = ["name_kana", "slug"]

    def __str__(self) -> str:
        return self.name


class OfferingStatus(models.TextChoices):
    PROPOSED = "proposed", _("審査待ち")
    PUBLISHED = "published", _("公開")
    DECLINED = "declined", _("非承認")


class Offering(models.Model):
    """One vendor product of a pattern B system (a SaaS municipalities sign a usage contract for)."""

    system = models.ForeignKey(
        SharedSystem, verbose_name=_("システム"), on_delete=models.CASCADE, related_name="offerings"
    )
    slug = models.SlugField(_("識別子"), max_length=100, unique=True)
    vendor = models.ForeignKey(
        Organization,
        verbose_name=_("提供事業者"),
        on_delete=models.PROTECT,
        related_name="offerings",
        limit_choices_to={"kind": "vendor"},
    )
    product_name = models.CharField(_("製品名"), max_length=200)
    spec_version = models.CharField(_("準拠する標準仕様の版"), max_length=40, blank=True)
    price_model = models.CharField(_("料金体系"), max_length=200, blank=True)
    price_min = models.PositiveBigIntegerField(_("参考価格（下限・円）"), null=True, blank=True)
    price_max = models.PositiveBigIntegerField(_("参考価格（上限・円）"), null=True, blank=True)
    gov_cloud_hosted = models.BooleanField(_("ガバメントクラウド上で提供"), default=False)
    marketplace_url = models.URLField(_("マーケットプレイスのURL"), blank=True)
    status = models.CharField(
        _("公開状況"), max_length=12, choices=OfferingStatus.choices, default=OfferingStatus.PROPOSED, db_index=True
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("提供サービス")
        verbose_name_plural = _("提供サービス")
        ordering = ["system", "product_name"]

    def __str__(self) -> str:
        return f"{self.product_name}（{self.vendor.name}）"
