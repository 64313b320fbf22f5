"""Prefecture-led joint procurements (共同調達), the municipalities invited to them, and their documents."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class ProcurementCategory(models.Model):
    """A system category (電子入札・電子調達, GIGA端末 …). Data, so more can be added without a deploy."""

    slug = models.SlugField(_("識別子"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    ocds_main_category = models.CharField(
        _("OCDSの調達区分"),
        max_length=10,
        choices=[("goods", _("物品")), ("works", _("工事")), ("services", _("役務"))],
        default="services",
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("調達分野")
        verbose_name_plural = _("調達分野")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    GENERAL_COMPETITIVE = "general_competitive", _("一般競争入札")
    COMPREHENSIVE_EVALUATION = "comprehensive_evaluation", _("総合評価")
    PROPOSAL = "proposal", _("公募型プロポーザル")
    NEGOTIATED = "negotiated", _("随意契約")


class Status(models.TextChoices):
    PLANNING = "planning", _("企画中")
    RECRUITING = "recruiting", _("参加団体募集中")
    TENDERING = "tendering", _("入札・選定中")
    CONTRACTED = "contracted", _("契約済み")
    OPERATING = "operating", _("運用中")
    ENDED = "ended", _("終了")


# A procurement is public from `recruiting` on.
PUBLIC_STATUSES = [s for s in Status.values if s != Status.PLANNING]


class Funding(models.TextChoices):
    DIGITAL_BOND = "digital_bond", _("デジタル活用推進事業債")
    SUBSIDY = "subsidy", _("国の補助金・交付金")
    OWN_BUDGET = "own_budget", _("自主財源")


class JointProcurement(models.Model):
    """共同調達: a prefecture procures one system for the municipalities that join, and they share the cost."""

    lead_prefecture = models.ForeignKey(
        Organization,
        verbose_name=_("幹事都道府県"),
        on_delete=models.PROTECT,
        related_name="led_procurements",
        limit_choices_to={"kind": "prefecture"},
    )
    title = models.CharField(_("件名"), max_length=200)
    category = models.ForeignKey(
        ProcurementCategory, verbose_name=_("調達分野"), on_delete=models.PROTECT, related_name="procurements"
    )
    system = models.ForeignKey(
        "catalog.SharedSystem",
        verbose_name=_("カタログのシステム"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_procurements",
    )
    description = models.TextField(_("概要"), blank=True)
    method = models.CharField(_("調達方法"), max_length=30, choices=Method.choices)
    status = models.CharField(_("状況"), max_length=12, choices=Status.choices, default=Status.PLANNING, db_index=True)
    recruiting_deadline = models.DateField(_("参加意向の回答期限"), null=True, blank=True)
    tender_date = models.DateField(_("入札・選定日"), null=True, blank=True)
    contract_date = models.DateField(_("契約日"), null=True, blank=True)
    operation_start = models.DateField(_("運用開始日"), null=True, blank=True)
    end_date = models.DateField(_("契約終了日"), null=True, blank=True)
    awarded_vendor_name = models.CharField(_("受注事業者"), max_length=200, blank=True)
    awarded_vendor = models.ForeignKey(
        Organization,
        verbose_name=_("受注事業者（登録事業者）"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awarded_procurements",
        limit_choices_to={"kind": "vendor"},
    )
    estimated_amount = models.PositiveBigIntegerField(_("予定価格（見込額）"), null=True, blank=True)
    contract_amount = models.PositiveBigIntegerField(_("契約金額"), null=True, blank=True)
    initial_cost = models.PositiveBigIntegerField(_("初期費用"), null=True, blank=True)
    annual_running_cost = models.PositiveBigIntegerField(_("年間運用費用"), null=True, blank=True)
    funding = models.CharField(_("財源"), max_length=16, choices=Funding.choices, blank=True)
    funding_note = models.CharField(_("財源の補足"), max_length=200, blank=True)
    spec_shareable = models.BooleanField(_("仕様書を他団体に提供できる"), default=False)
    contact_department = models.CharField(_("担当部署"), max_length=200, blank=True)
    # 割り勘の重み: Decimal strings that add up to exactly 1.
    share_equal = models.DecimalField(_("均等割の割合"), max_digits=5, decimal_places=4, default=Decimal(1))
    share_population = models.DecimalField(_("人口割の割合"), max_digits=5, decimal_places=4, default=Decimal(0))
    share_usage = models.DecimalField(_("利用量割の割合"), max_digits=5, decimal_places=4, default=Decimal(0))
    ocid = models.CharField(_("OCDS識別子"), max_length=100, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("共同調達")
        verbose_name_plural = _("共同調達")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != Status.PLANNING

    @property
    def amount_shared(self) -> int | None:
        """The amount the participants share: the contract amount once there is one, the estimate before."""
        return self.contract_amount if self.contract_amount is not None else self.estimated_amount

    @property
    def weights(self) -> dict[str, Fraction]:
        return {
            "equal": Fraction(self.share_equal),
            "population": Fraction(self.share_population),
            "usage": Fraction(self.share_usage),
        }

    @property
    def cost_sharing(self) -> dict[str, str]:
        """The non-zero weights as API strings, e.g. {"equal": "0.3", "population": "0.7"}."""
        values = {"equal": self.share_equal, "population": self.share_population, "usage": self.share_usage}
        return {key: _plain_decimal(value) for key, value in values.items() if value}


def _plain_decimal(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("回答待ち")
    INTERESTED = "interested", _("検討中")
    COMMITTED = "committed", _("参加")
    DECLINED = "declined", _("不参加")
    WITHDRAWN = "withdrawn", _("辞退")


# The answers an invited municipality can give (意向調査).
ANSWER_STATUSES = [
    ParticipationStatus.INTERESTED,
    ParticipationStatus.COMMITTED,
    ParticipationStatus.DECLINED,
    ParticipationStatus.WITHDRAWN,
]
ANSWER_CHOICES = [(s.value, s.label) for s in ANSWER_STATUSES]
# Those counted for a preview of the shares: invited and not (yet) out.
PREVIEW_STATUSES = [ParticipationStatus.INVITED, ParticipationStatus.INTERESTED, ParticipationStatus.COMMITTED]


class Participation(models.Model):
    """A municipality invited to a joint procurement, and its answer to the intent survey (意向調査)."""

    procurement = models.ForeignKey(
        JointProcurement, verbose_name=_("共同調達"), on_delete=models.CASCADE, related_name="participations"
    )
    municipality = models.ForeignKey(
        Organization,
        verbose_name=_("市区町村"),
        on_delete=models.PROTECT,
        related_name="procurement_participations",
        limit_choices_to={"kind": "municipality"},
    )
    status = models.CharField(
        _("回答"), max_length=12, choices=ParticipationStatus.choices, default=ParticipationStatus.INVITED
    )
    comment = models.TextField(_("コメント"), blank=True)
    usage_units = models.PositiveIntegerField(_("利用量"), null=True, blank=True)
    standalone_estimate = models.PositiveBigIntegerField(_("単独調達の見込額"), null=True, blank=True)
    invited_at = models.DateTimeField(_("招待日時"), auto_now_add=True)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回答者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("参加団体")
        verbose_name_plural = _("参加団体")
        ordering = ["municipality__code"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "municipality"], name="one_participation_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.procurement} / {self.municipality.name}"


class DocumentVisibility(models.TextChoices):
    PUBLIC = "public", _("公開（誰でも）")
    PARTICIPANTS = "participants", _("参加団体と都道府県")
    PREFECTURE = "prefecture", _("都道府県のみ")


def _document_path(instance: ProcurementDocument, filename: str) -> str:
    return f"procurement/{instance.procurement_id}/{filename}"


class ProcurementDocument(models.Model):
    """A specification or other file of a procurement; served only through a view that asks the policy."""

    procurement = models.ForeignKey(
        JointProcurement, verbose_name=_("共同調達"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("資料名"), max_length=200)
    file = models.FileField(_("ファイル"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("元のファイル名"), max_length=200)
    content_type = models.CharField(_("形式"), max_length=100)
    size = models.PositiveIntegerField(_("サイズ（バイト）"))
    visibility = models.CharField(
        _("公開範囲"), max_length=12, choices=DocumentVisibility.choices, default=DocumentVisibility.PARTICIPANTS
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("調達資料")
        verbose_name_plural = _("調達資料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title
