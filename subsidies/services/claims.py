"""Creating and editing claims, their attachments, their published results and デジ田 plans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.audit import audit_record, audit_snapshot
from portal.japanese import fiscal_year as fiscal_year_of

from .. import selectors
from ..checks import validate_lines
from ..errors import ClaimConflict, ClaimInvalid
from ..files import check_upload
from ..models import (
    Attachment,
    BprRoute,
    Claim,
    ClaimEvent,
    ClaimResult,
    ClaimStatus,
    DigidenPlan,
    LineItem,
    Program,
    ProgramKind,
)

SNAPSHOT_FIELDS = ["status", "title", "eligible_total", "requested_amount", "decided_amount", "fixed_amount", "version"]
_UNSET: Any = object()


def _check_fiscal_year(fiscal_year: Any) -> int:
    this_year = fiscal_year_of(timezone.localdate())
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool) or not 2020 <= fiscal_year <= this_year + 1:
        raise ClaimInvalid(
            _("年度が正しくありません。"),
            {"fiscal_year": [_("年度は2020から%(max)dまでの西暦年で入力してください。") % {"max": this_year + 1}]},
        )
    return fiscal_year


def _check_title(title: Any) -> str:
    text = str(title or "").strip()
    if not text or len(text) > 200:
        raise ClaimInvalid(_("事業名を確認してください。"), {"title": [_("事業名を200文字以内で入力してください。")]})
    return text


def _write_lines(claim: Claim, lines: Sequence[Mapping[str, Any]]) -> None:
    claim.line_items.all().delete()
    LineItem.objects.bulk_create(
        LineItem(claim=claim, position=index, **{k: line[k] for k in _LINE_FIELDS}) for index, line in enumerate(lines)
    )


_LINE_FIELDS = ("category", "description", "vendor", "amount", "justification")


def _set_totals(claim: Claim, lines: Iterable[Mapping[str, Any]]) -> None:
    totals = selectors.claim_totals(claim.program, claim.applicant, lines)
    claim.eligible_total = totals.eligible_total
    claim.requested_amount = totals.requested_amount


def claim_create(
    *,
    actor: Any,
    program: Program,
    fiscal_year: int,
    title: str,
    line_items: Iterable[Mapping[str, Any]] = (),
    businesses: Iterable[Any] = (),
    system: Any = None,
    offering: Any = None,
) -> Claim:
    """A new draft claim of the actor's organization. Atomic: bad input (ClaimInvalid) writes nothing.

    Lines that match the not-eligible list are saved with their problems; they only block submitting.
    """
    policy.require(actor, "subsidies.create_claim")
    title = _check_title(title)
    fiscal_year = _check_fiscal_year(fiscal_year)
    lines, errors = validate_lines(program, line_items)
    if errors:
        raise ClaimInvalid(_("明細に誤りがあります。"), errors)
    with transaction.atomic():
        claim = Claim(
            applicant=actor.organization,
            program=program,
            fiscal_year=fiscal_year,
            title=title,
            created_by=actor,
            system=system,
            offering=offering,
        )
        _set_totals(claim, lines)
        claim.save()
        _write_lines(claim, lines)
        claim.businesses.set(list(businesses))
        ClaimEvent.objects.create(
            claim=claim,
            actor=actor,
            actor_organization=actor.organization,
            action="create",
            from_status="",
            to_status=ClaimStatus.DRAFT,
        )
        audit_record(actor=actor, target=claim, action="claim.create", after=audit_snapshot(claim, SNAPSHOT_FIELDS))
    return claim


def claim_update(
    *,
    claim: Claim,
    actor: Any,
    version: Any,
    title: Any = _UNSET,
    line_items: Any = _UNSET,
    businesses: Any = _UNSET,
    system: Any = _UNSET,
    offering: Any = _UNSET,
) -> Claim:
    """Save an edit of a draft or returned claim, only if nobody saved since `version` was read.

    Atomic. 409 (ClaimConflict) for a stale version or a claim no longer editable; the edit is then not applied.
    """
    policy.require(actor, "subsidies.edit_claim", claim)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ClaimInvalid(
            _("版（version）を指定してください。"), {"version": [_("最後に読み込んだ版の番号が必要です。")]}
        )
    lines = None
    if title is not _UNSET:
        title = _check_title(title)
    if line_items is not _UNSET:
        lines, errors = validate_lines(claim.program, line_items)
        if errors:
            raise ClaimInvalid(_("明細に誤りがあります。"), errors)
    with transaction.atomic():
        current = Claim.objects.select_for_update(of=("self",)).select_related("program", "applicant").get(pk=claim.pk)
        if current.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED):
            raise ClaimConflict(
                _("「%(status)s」の申請は編集できません。編集できるのは下書きと差戻しの申請です。")
                % {"status": current.get_status_display()}
            )
        if current.version != version:
            raise ClaimConflict(
                _(
                    "ほかの人がこの申請を先に保存しました（現在の版 %(current)d、編集を始めた版 %(yours)d）。"
                    "最新の内容を確認してから、もう一度保存してください。"
                )
                % {"current": current.version, "yours": version}
            )
        before = audit_snapshot(current, SNAPSHOT_FIELDS)
        if title is not _UNSET:
            current.title = title
        if system is not _UNSET:
            current.system = system
        if offering is not _UNSET:
            current.offering = offering
        if lines is not None:
            _write_lines(current, lines)
            _set_totals(current, lines)
        if businesses is not _UNSET:
            current.businesses.set(list(businesses))
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            target=current,
            action="claim.edit",
            before=before,
            after=audit_snapshot(current, SNAPSHOT_FIELDS),
        )
    return current


def attachment_add(*, claim: Claim, actor: Any, upload: UploadedFile, description: str = "") -> Attachment:
    """Attach a file (≤ 10 MB; PDF, Excel, Word, CSV, PNG, JPEG checked by content). Atomic and audited."""
    policy.require(actor, "subsidies.edit_claim", claim)
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED, ClaimStatus.APPROVED):
        raise ClaimConflict(_("この状態の申請にはファイルを添付できません。"))
    content_type = check_upload(upload)
    with transaction.atomic():
        attachment = Attachment(
            claim=claim,
            original_name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size or 0,
            description=description.strip()[:200],
            uploaded_by=actor,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        audit_record(
            actor=actor,
            target=claim,
            action="claim.attach",
            after={"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size},
        )
    return attachment


def result_publish(
    *, claim: Claim, actor: Any, implementation_status: str, effects: str, published: bool = True
) -> ClaimResult:
    """Record (and by default publish) the implementation status and effects of a fixed claim. Atomic, audited."""
    policy.require(actor, "subsidies.publish_result", claim)
    errors = {}
    if not implementation_status.strip():
        errors["implementation_status"] = [_("実施状況を入力してください。")]
    if not effects.strip():
        errors["effects"] = [_("事業の効果を入力してください。")]
    if errors:
        raise ClaimInvalid(_("入力内容に誤りがあります。"), errors)
    with transaction.atomic():
        result, _created = ClaimResult.objects.select_for_update().get_or_create(
            claim=claim,
            defaults={"implementation_status": implementation_status, "effects": effects},
        )
        before = {"implementation_status": result.implementation_status, "effects": result.effects}
        result.implementation_status = implementation_status.strip()
        result.effects = effects.strip()
        result.published = published
        if published and result.published_at is None:
            result.published_at = timezone.now()
        result.save()
        audit_record(
            actor=actor,
            target=claim,
            action="claim.result",
            before=None if _created else before,
            after={
                "implementation_status": result.implementation_status,
                "effects": result.effects,
                "published": published,
            },
        )
    return result


DIGIDEN_KINDS = {
    ProgramKind.DIGIDEN_TYPE1,
    ProgramKind.DIGIDEN_TYPE2,
    ProgramKind.DIGIDEN_TYPE3,
    ProgramKind.DIGIDEN_TYPE_S,
}
SELECTED = {ClaimStatus.APPROVED, ClaimStatus.REPORTED, ClaimStatus.FIXED, ClaimStatus.PAID}


def digiden_plan_save(
    *, claim: Claim, actor: Any, uses_madoguchi_saas: bool, bpr_route: str, service_name: str = ""
) -> DigidenPlan:
    """Save a デジ田 application's scoring answers. After selection (交付決定), a plan that used 窓口DX SaaS
    cannot change to another service (409). Atomic, audited."""
    policy.require(actor, "subsidies.change_plan", claim)
    if claim.program.kind not in DIGIDEN_KINDS:
        raise ClaimInvalid(_("この申請はデジタル田園都市国家構想交付金ではありません。"))
    if bpr_route not in BprRoute.values:
        raise ClaimInvalid(_("BPRの実施方法を選んでください。"), {"bpr_route": [_("選択肢から選んでください。")]})
    with transaction.atomic():
        plan, created = DigidenPlan.objects.select_for_update().get_or_create(claim=claim)
        if claim.status in SELECTED and plan.uses_madoguchi_saas and not uses_madoguchi_saas:
            raise ClaimConflict(_("採択後に、窓口DX SaaS から他のサービスへ計画を変更することはできません。"))
        if claim.status not in SELECTED and claim.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED):
            raise ClaimConflict(_("審査中の申請の計画は変更できません。"))
        before = None if created else audit_snapshot(plan, ["uses_madoguchi_saas", "bpr_route", "service_name"])
        plan.uses_madoguchi_saas = uses_madoguchi_saas
        plan.bpr_route = bpr_route
        plan.service_name = service_name.strip()[:200]
        plan.save()
        audit_record(
            actor=actor,
            target=claim,
            action="claim.plan",
            before=before,
            after=audit_snapshot(plan, ["uses_madoguchi_saas", "bpr_route", "service_name"]),
        )
    return plan
