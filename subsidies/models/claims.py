"""Claims (交付申請), their line items, history, attachments and published results."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization

from .programs import Program


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み（都道府県確認待ち）")
    UNDER_REVIEW = "under_review", _("審査中")
    RETURNED = "returned", _("差戻し")
    APPROVED = "approved", _("交付決定")
    REJECTED = "rejected", _("不交付")
    WITHDRAWN = "withdrawn", _("取下げ")
    REPORTED = "reported", _("実績報告済み")
    FIXED = "fixed", _("額の確定")
    PAID = "paid", _("支払済み")


EDITABLE_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.RETURNED)


class Claim(models.Model):
    """One application for a program's money by a municipality or a prefecture, from draft to payment."""

    applicant = models.ForeignKey(
        Organization, verbose_name=_("申請団体"), on_delete=models.PROTECT, related_name="subsidy_claims"
    )
    program = models.ForeignKey(Program, verbose_name=_("補助事業"), on_delete=models.PROTECT, related_name="claims")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("事業名"), max_length=200)
    status = models.CharField(
        _("状態"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    eligible_total = models.PositiveBigIntegerField(_("補助対象経費の合計（円）"), default=0)
    requested_amount = models.PositiveBigIntegerField(_("申請額（円）"), default=0)
    decided_amount = models.PositiveBigIntegerField(_("交付決定額（円）"), null=True, blank=True)
    actual_total = models.PositiveBigIntegerField(_("実績額（円）"), null=True, blank=True)
    fixed_amount = models.PositiveBigIntegerField(_("確定額（円）"), null=True, blank=True)
    businesses = models.ManyToManyField(
        "catalog.BusinessArea", verbose_name=_("対象の標準化対象事務"), blank=True, related_name="subsidy_claims"
    )
    system = models.ForeignKey(
        "catalog.SharedSystem",
        verbose_name=_("移行先のシステム"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidy_claims",
    )
    offering = models.ForeignKey(
        "catalog.Offering",
        verbose_name=_("移行先の提供サービス"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidy_claims",
    )
    version = models.PositiveIntegerField(_("版"), default=1)
    decision_number = models.CharField(_("交付決定通知の文書番号"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("作成者")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("交付決定日時"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("額の確定日時"), null=True, blank=True)
    paid_at = models.DateTimeField(_("支払日時"), null=True, blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        verbose_name = _("交付申請")
        verbose_name_plural = _("交付申請")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "fiscal_year", "status"]),
            # The lists show the most recently changed first: a page of 50 reads the index, not 20,000 claims.
            models.Index(fields=["-updated_at", "-id"], name="claim_recent_first"),
            # Officials see every submitted claim: once vacuumed, the list's count reads this index alone.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=models.Q(submitted_at__isnull=False),
                name="claim_submitted_recent_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class CostLine(models.Model):
    """A line of cost: what, in which category, from whom, how much. Planned and actual lines share it."""

    position = models.PositiveSmallIntegerField(_("行番号"), default=0)
    category = models.CharField(_("経費区分"), max_length=8)
    description = models.CharField(_("内容"), max_length=200)
    vendor = models.CharField(_("契約先"), max_length=100, blank=True)
    amount = models.PositiveBigIntegerField(_("金額（円）"))
    justification = models.TextField(_("補助対象とする理由"), blank=True)

    class Meta:
        abstract = True
        # claim_id, not claim: ordering by the relation would follow the claim's own ordering through a join,
        # which turned prefetching a page's lines into a scan of every line.
        ordering = ["claim_id", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class LineItem(CostLine):
    """One line of the planned eligible cost (補助対象経費の内訳)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="line_items")

    class Meta(CostLine.Meta):
        verbose_name = _("経費の内訳")
        verbose_name_plural = _("経費の内訳")


class ActualLineItem(CostLine):
    """One line of the actual cost (実績報告)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="actual_line_items")

    class Meta(CostLine.Meta):
        verbose_name = _("実績の内訳")
        verbose_name_plural = _("実績の内訳")


class ClaimEvent(models.Model):
    """One step of a claim's workflow: who, when, what, from which status to which, why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(_("変更前の状態"), max_length=16, blank=True)
    to_status = models.CharField(_("変更後の状態"), max_length=16)
    comment = models.TextField(_("コメント"), blank=True)
    amount = models.PositiveBigIntegerField(_("金額（円）"), null=True, blank=True)

    class Meta:
        verbose_name = _("申請の履歴")
        verbose_name_plural = _("申請の履歴")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("申請の履歴は変更できません。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("申請の履歴は削除できません。"))


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the original name is kept in the row, never used as a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"subsidies/claims/{instance.claim_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A quote, contract or report attached to a claim; stored outside the web root."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ファイル"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("サイズ（バイト）"))
    description = models.CharField(_("説明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["claim", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ClaimResult(models.Model):
    """実施状況・効果の公表: what the project did and achieved, public once published."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="result")
    implementation_status = models.TextField(_("実施状況"))
    effects = models.TextField(_("事業の効果"))
    published = models.BooleanField(_("公表する"), default=True)
    published_at = models.DateTimeField(_("公表日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("実施状況・効果")
        verbose_name_plural = _("実施状況・効果")

    def __str__(self) -> str:
        return str(self.claim)


class BprRoute(models.TextChoices):
    ADVISOR_DISPATCH = "advisor_dispatch", _("BPRアドバイザー派遣事業を活用してBPRを実施")
    ADVISOR_TRAINING = "advisor_training", _("BPRアドバイザー育成研修に職員を派遣し、自らBPRを実施")
    OTHER = "other", _("その他の方法でBPRを実施済み・実施予定")
    NONE = "none", _("BPRを実施しない")


class DigidenPlan(models.Model):
    """The answers of a デジ田 TYPE application that the review score depends on."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="digiden_plan")
    uses_madoguchi_saas = models.BooleanField(_("窓口DX SaaSを利用する"), default=False)
    bpr_route = models.CharField(_("BPRの実施"), max_length=20, choices=BprRoute.choices, default=BprRoute.NONE)
    service_name = models.CharField(_("導入するサービス"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("デジ田の計画")
        verbose_name_plural = _("デジ田の計画")

    def __str__(self) -> str:
        return str(self.claim)


class DocumentSequence(models.Model):
    """The portal's own running numbers for decision notices, one counter per key (e.g. fiscal year)."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文書番号の連番")
        verbose_name_plural = _("文書番号の連番")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"
