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
    # Organizations with the system in use, kept by catalog/freshness.py: the catalog sorts 10,000 systems by it,
    # which counting 200,000 adoptions on every request cannot do fast. 0 in the database too, for COPY.
    adoption_count = models.PositiveIntegerField(_("利用団体数"), default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("共通化システム")
        verbose_name_plural = _("共通化システム")
        ordering = ["name_kana", "slug"]
        indexes = [models.Index(fields=["-adoption_count", "name_kana", "slug"], name="catalog_system_by_adoption")]

    def __str__(self) -> str:
        return self.name


class CatalogVersion(models.Model):
    """One row whose token changes with every change to systems, business areas, offerings and adoptions.

    Search results are cached under the token (catalog/search_results.py), so a change makes the old ones
    unreachable at once. A random token rather than a counter: a database restored from a backup never meets
    results cached after the backup was taken."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


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


class AdoptionStatus(models.TextChoices):
    CONSIDERING = "considering", _("検討中")
    PROCURING = "procuring", _("調達中")
    IN_USE = "in_use", _("利用中")
    RETIRED = "retired", _("利用終了")


class Adoption(models.Model):
    """An organization's use of a system (or one offering of it). Only `in_use` is public."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("団体"), on_delete=models.CASCADE, related_name="adoptions"
    )
    system = models.ForeignKey(
        SharedSystem, verbose_name=_("システム"), on_delete=models.CASCADE, related_name="adoptions"
    )
    offering = models.ForeignKey(
        Offering,
        verbose_name=_("提供サービス"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    status = models.CharField(_("状況"), max_length=12, choices=AdoptionStatus.choices, db_index=True)
    since = models.DateField(_("開始日"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=400, blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("導入状況")
        verbose_name_plural = _("導入状況")
        constraints = [models.UniqueConstraint(fields=["organization", "system"], name="adoption_one_per_system")]
        indexes = [models.Index(fields=["system", "status"])]

    def __str__(self) -> str:
        return f"{self.organization} — {self.system}"


class MigrationStatusValue(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    PREPARING = "preparing", _("準備中")
    MIGRATING = "migrating", _("移行中")
    MIGRATED = "migrated", _("移行完了")
    DESIGNATED_HARD = "designated_hard", _("特定移行支援システム")


class Source(models.TextChoices):
    PUBLISHED = "published", _("公表値")
    REPORTED = "reported", _("団体の報告")


class MigrationStatus(models.Model):
    """標準化の進捗: one municipality × one of the 20 standardized businesses, its current value.

    `source` says whether the value is the published figure or a later report by the municipality (or by its
    prefecture on its behalf). `version` rises with each save; a save with an older version is refused (409).
    """

    municipality = models.ForeignKey(
        Organization, verbose_name=_("団体"), on_delete=models.CASCADE, related_name="migration_statuses"
    )
    business = models.ForeignKey(BusinessArea, verbose_name=_("業務"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("進捗"), max_length=16, choices=MigrationStatusValue.choices, db_index=True)
    planned_fiscal_year = models.PositiveSmallIntegerField(_("移行予定年度"), null=True, blank=True)
    vendor_name = models.CharField(_("事業者"), max_length=200, blank=True)
    on_gov_cloud = models.BooleanField(_("ガバメントクラウド利用"), null=True, blank=True)
    step_completion = models.DecimalField(_("作業手順の完了率"), max_digits=5, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("出典"), max_length=12, choices=Source.choices, default=Source.PUBLISHED)
    version = models.PositiveIntegerField(_("版"), default=1)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("標準化の進捗")
        verbose_name_plural = _("標準化の進捗")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "business"], name="migration_status_one_per_business")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.business}"


class PublishedSnapshotKind(models.TextChoices):
    PROGRESS_RATES = "progress_rates", _("標準化の進捗（作業手順の完了率）")
    DESIGNATED_SYSTEMS = "designated_systems", _("特定移行支援システムの該当見込み一覧")


class PublishedSnapshot(models.Model):
    """One published data set (e.g. the 総務省 progress sheet of 2026-01), with its as-of month and source."""

    kind = models.CharField(_("種類"), max_length=24, choices=PublishedSnapshotKind.choices)
    as_of = models.DateField(_("時点"), help_text=_("公表値の対象月の1日"))
    source = models.CharField(_("出典"), max_length=400)
    loaded_at = models.DateTimeField(_("読込日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("公表データ")
        verbose_name_plural = _("公表データ")
        constraints = [models.UniqueConstraint(fields=["kind", "as_of"], name="published_snapshot_unique")]
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.as_of:%Y-%m}）"


class PublishedRate(models.Model):
    """A published step-completion rate: municipality × business (business empty = the overall rate)."""

    snapshot = models.ForeignKey(PublishedSnapshot, on_delete=models.CASCADE, related_name="rates")
    municipality = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    business = models.ForeignKey(BusinessArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rate = models.DecimalField(_("完了率"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("公表された完了率")
        verbose_name_plural = _("公表された完了率")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "municipality", "business"], name="published_rate_unique"),
            models.UniqueConstraint(
                fields=["snapshot", "municipality"],
                condition=models.Q(business__isnull=True),
                name="published_overall_rate_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.business_id or 'overall'}: {self.rate}"


class DesignatedSystem(models.Model):
    """特定移行支援システム, as published: organization × business (business empty = 共通機能).

    Kept as its own table so the published total (8,956 systems, 2025-12) is reproduced exactly.
    `planned_fiscal_year` stays empty until the organization enters one.
    """

    snapshot = models.ForeignKey(PublishedSnapshot, on_delete=models.CASCADE, related_name="designated_systems")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="designated_systems")
    business = models.ForeignKey(BusinessArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.CharField(_("団体区分（公表資料）"), max_length=20, blank=True)
    planned_fiscal_year = models.PositiveSmallIntegerField(_("移行予定年度"), null=True, blank=True)

    class Meta:
        verbose_name = _("特定移行支援システム")
        verbose_name_plural = _("特定移行支援システム")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "organization", "business"], name="designated_system_unique"),
            models.UniqueConstraint(
                fields=["snapshot", "organization"],
                condition=models.Q(business__isnull=True),
                name="designated_common_functions_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.business_id or '共通機能'}"


class StepDefinition(models.Model):
    """One work step of the national migration procedure; the list is versioned data, not code."""

    version = models.CharField(_("手順書の版"), max_length=20, db_index=True)
    number = models.PositiveSmallIntegerField(_("番号"))
    phase = models.CharField(_("工程"), max_length=60, blank=True)
    name = models.CharField(_("作業名"), max_length=200)

    class Meta:
        verbose_name = _("作業手順")
        verbose_name_plural = _("作業手順")
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="step_definition_unique")]
        ordering = ["version", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class StepState(models.TextChoices):
    DONE = "done", _("完了")
    IN_PROGRESS = "in_progress", _("作業中")
    NOT_STARTED = "not_started", _("未着手")
    NOT_APPLICABLE = "not_applicable", _("対象外")


class StepProgress(models.Model):
    """The monthly report of one step: municipality × business × step (≈ 1.4 million rows nationally)."""

    municipality = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    business = models.ForeignKey(BusinessArea, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(StepDefinition, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状況"), max_length=16, choices=StepState.choices)
    reported_month = models.DateField(_("報告月"), null=True, blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("作業手順の進捗")
        verbose_name_plural = _("作業手順の進捗")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "business", "step"], name="step_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.business_id}/{self.step_id}: {self.state}"
