"""Nightly aggregates (集計) and the KPIs of EBPM.

Pages and the API read only `AggregateRow` and `Build`; the builders in `dashboards.metrics` are the only
code that reads the raw tables of the other apps.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class BuildStatus(models.TextChoices):
    RUNNING = "running", _("実行中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class Build(models.Model):
    """The fill state of one build of one metric for one period (the snapshot date).

    A build's rows become visible in the same transaction that marks it `done`; a failed build leaves the
    rows of the previous build in place. The latest `done` build of a metric is what the pages show.
    """

    metric = models.CharField(_("指標"), max_length=40, db_index=True)
    period = models.DateField(_("集計対象日"))
    status = models.CharField(_("状況"), max_length=8, choices=BuildStatus.choices, default=BuildStatus.RUNNING)
    started_at = models.DateTimeField(_("開始日時"))
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("書き込んだ行数"), default=0)
    meta = models.JSONField(_("出典情報"), default=dict, blank=True)
    error = models.TextField(_("エラー"), blank=True)

    class Meta:
        verbose_name = _("集計の実行")
        verbose_name_plural = _("集計の実行")
        indexes = [models.Index(fields=["metric", "status", "period"])]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.status}"


class AggregateRow(models.Model):
    """One number of a dashboard: metric × series × period × dimensions.

    `key` is the canonical text of all dimensions, so (metric, series, period, key) is unique even where a
    dimension is empty. Counts are integers; `value` holds sums of rates and KPI values (never money floats).
    """

    metric = models.CharField(_("指標"), max_length=40)
    series = models.CharField(_("系列"), max_length=40)
    period = models.DateField(_("集計対象日"))
    key = models.CharField(_("次元キー"), max_length=200)
    prefecture_code = models.CharField(_("都道府県番号"), max_length=2, blank=True)
    population_band = models.CharField(_("人口規模"), max_length=10, blank=True)
    organization_code = models.CharField(_("団体コード"), max_length=64, blank=True)
    business = models.CharField(_("業務"), max_length=64, blank=True)
    item = models.CharField(_("項目"), max_length=64, blank=True)
    status = models.CharField(_("状況"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    date = models.DateField(_("日付"), null=True, blank=True)
    count = models.BigIntegerField(_("件数"), default=0)
    value = models.DecimalField(_("値"), max_digits=24, decimal_places=6, null=True, blank=True)
    label = models.CharField(_("表示名"), max_length=200, blank=True)
    extra = models.JSONField(_("付記"), default=dict, blank=True)

    class Meta:
        verbose_name = _("集計値")
        verbose_name_plural = _("集計値")
        constraints = [
            models.UniqueConstraint(fields=["metric", "series", "period", "key"], name="aggregate_row_unique")
        ]
        indexes = [models.Index(fields=["metric", "series", "period", "prefecture_code"])]

    def __str__(self) -> str:
        return f"{self.metric}/{self.series} {self.period} {self.key}: {self.count}"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("高いほど良い")
    LOWER_IS_BETTER = "lower_is_better", _("低いほど良い")


class Kpi(models.Model):
    """An EBPM indicator with its target, target date and owning ministry."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20)
    direction = models.CharField(_("向き"), max_length=20, choices=Direction.choices)
    target_value = models.DecimalField(_("目標値"), max_digits=18, decimal_places=4)
    target_date = models.DateField(_("目標時期"))
    target_source = models.CharField(_("目標の根拠"), max_length=400)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("所管府省"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "national"},
    )
    source = models.CharField(_("出典"), max_length=400)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class KpiObservation(models.Model):
    """One observed value of a KPI on a date, nationally (no area) or for one organization."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="observations")
    date = models.DateField(_("時点"))
    value = models.DecimalField(_("値"), max_digits=18, decimal_places=4)
    area = models.ForeignKey(
        Organization, verbose_name=_("地域"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("備考"), max_length=400, blank=True)
    source = models.CharField(_("出典"), max_length=400)

    class Meta:
        verbose_name = _("KPIの観測値")
        verbose_name_plural = _("KPIの観測値")
        ordering = ["kpi", "date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date", "area"], name="kpi_observation_unique"),
            models.UniqueConstraint(
                fields=["kpi", "date"], condition=models.Q(area__isnull=True), name="kpi_observation_national_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.date}: {self.value}"
