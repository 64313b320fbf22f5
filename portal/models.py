"""Organizations, people and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    NATIONAL = "national", _("国の機関")
    PREFECTURE = "prefecture", _("都道府県")
    MUNICIPALITY = "municipality", _("市区町村")
    VENDOR = "vendor", _("事業者")


class MunicipalityType(models.TextChoices):
    DESIGNATED_CITY = "designated_city", _("指定都市")
    CITY = "city", _("市")
    TOWN = "town", _("町")
    VILLAGE = "village", _("村")
    SPECIAL_WARD = "special_ward", _("特別区")


class PopulationBand(models.TextChoices):
    LT5K = "lt5k", _("5千人未満")
    B5K_10K = "5k-10k", _("5千〜1万人")
    B10K_30K = "10k-30k", _("1万〜3万人")
    B30K_50K = "30k-50k", _("3万〜5万人")
    B50K_100K = "50k-100k", _("5万〜10万人")
    B100K_200K = "100k-200k", _("10万〜20万人")
    B200K_500K = "200k-500k", _("20万〜50万人")
    GE500K = "ge500k", _("50万人以上")


# Lower bounds of the bands, in the order of PopulationBand.
_BAND_FLOORS = [0, 5_000, 10_000, 30_000, 50_000, 100_000, 200_000, 500_000]


def population_band_for(population: int) -> str:
    """The population band (the data's own values) a population falls in."""
    band = PopulationBand.LT5K.value
    for floor, choice in zip(_BAND_FLOORS, PopulationBand.values, strict=True):
        if population >= floor:
            band = choice
    return band


class Organization(models.Model):
    """A ministry or agency, a prefecture, a municipality or a vendor.

    `slug` names it in URLs and the API: the 6-digit 全国地方公共団体コード for prefectures and
    municipalities, a short ASCII name otherwise.
    """

    slug = models.SlugField(_("識別子"), max_length=64, unique=True)
    code = models.CharField(_("団体コード"), max_length=6, unique=True, null=True, blank=True)
    kind = models.CharField(_("種別"), max_length=16, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    search_key = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    municipality_type = models.CharField(
        _("市区町村の区分"), max_length=20, choices=MunicipalityType.choices, blank=True
    )
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("都道府県"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": OrganizationKind.PREFECTURE},
    )
    prefecture_code = models.CharField(_("都道府県番号"), max_length=2, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    population_date = models.DateField(_("人口の基準日"), null=True, blank=True)
    population_band = models.CharField(
        _("人口規模"), max_length=10, choices=PopulationBand.choices, blank=True, db_index=True
    )
    website_url = models.URLField(_("ウェブサイト"), blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        verbose_name = _("団体")
        verbose_name_plural = _("団体")
        ordering = ["slug"]

    def __str__(self) -> str:
        if self.kind == OrganizationKind.MUNICIPALITY and self.prefecture is not None:
            return f"{self.prefecture.name}{self.name}"
        return self.name

    @property
    def is_local_government(self) -> bool:
        return self.kind in (OrganizationKind.PREFECTURE, OrganizationKind.MUNICIPALITY)

    @property
    def home_prefecture_id(self) -> int | None:
        """The prefecture an organization belongs to: itself for a prefecture."""
        if self.kind == OrganizationKind.PREFECTURE:
            return self.pk
        return self.prefecture_id


class Role(models.TextChoices):
    STAFF = "staff", _("職員")
    MANAGER = "manager", _("管理者")


class User(AbstractUser):
    """A person of one organization, with a role there."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.STAFF)
    full_name = models.CharField(_("氏名"), max_length=100, blank=True)
    department = models.CharField(_("所属部署"), max_length=100, blank=True)
    is_portal_admin = models.BooleanField(
        _("ポータル管理者"),
        default=False,
        help_text=_("国の職員のみ。すべての団体の利用者を招待・無効化できます。"),
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.is_portal_admin and (self.organization is None or self.organization.kind != OrganizationKind.NATIONAL):
            raise ValidationError({"is_portal_admin": _("ポータル管理者になれるのは国の職員だけです。")})

    @property
    def org_kind(self) -> str | None:
        return self.organization.kind if self.organization is not None else None

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def needs_two_factor(self) -> bool:
        """Managers and national officials must use TOTP when PORTAL_REQUIRE_2FA is on."""
        return self.is_manager or self.org_kind == OrganizationKind.NATIONAL or self.is_superuser


class AuditEntry(models.Model):
    """One change to a record: who, when, what before and after. Never edited or deleted."""

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実行者"), on_delete=models.PROTECT, null=True, blank=True
    )
    actor_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("代理入力の対象団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("対象"), max_length=200)
    action = models.CharField(_("操作"), max_length=40)
    comment = models.TextField(_("コメント"), blank=True)
    before = models.JSONField(_("変更前"), null=True, blank=True)
    after = models.JSONField(_("変更後"), null=True, blank=True)

    class Meta:
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("監査記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("監査記録は削除できません。")


class PendingTask(models.Model):
    """A task that could not be queued because the broker was down; it is sent again when the broker answers."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("送信待ちの処理")
        verbose_name_plural = _("送信待ちの処理")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_name}{self.args}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("待機中")
    RUNNING = "running", _("処理中")
    DONE = "done", _("完了")
    FAILED = "failed", _("取り込めませんでした")


class ImportRecord(models.Model):
    """One import file (取り込み): who, when, what file, what it did. Row changes name it in their audit entries."""

    kind = models.CharField(_("取り込みの種類"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実行者"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("実行した団体"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("代理入力の対象団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("ファイル名"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    dry_run = models.BooleanField(_("確認のみ"), default=False)
    status = models.CharField(
        _("状態"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("進捗（%）"), default=0)
    rows_total = models.PositiveIntegerField(_("行数"), default=0)
    count_new = models.PositiveIntegerField(_("追加"), default=0)
    count_update = models.PositiveIntegerField(_("変更"), default=0)
    count_skip = models.PositiveIntegerField(_("変更なし"), default=0)
    count_error = models.PositiveIntegerField(_("誤りのある行"), default=0)
    errors = models.JSONField(_("誤り"), default=list, blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("取り込み記録")
        verbose_name_plural = _("取り込み記録")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"取り込み#{self.pk} {self.kind} {self.file_name}"

    @property
    def totals(self) -> dict[str, int]:
        return {"new": self.count_new, "update": self.count_update, "skip": self.count_skip, "error": self.count_error}
