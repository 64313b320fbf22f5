"""Every change to a joint procurement: each function runs in one transaction and writes its audit entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record, audit_snapshot
from portal.models import Organization, OrganizationKind

from . import workflow
from .models import (
    ANSWER_STATUSES,
    DocumentVisibility,
    JointProcurement,
    Participation,
    ParticipationStatus,
    ProcurementDocument,
    Status,
)
from .sharing import parse_weights


class ProcurementConflict(Exception):
    """A stale version or a move the current status does not allow (HTTP 409)."""


# The fields a prefecture edits (everything but the lead, the status, the OCDS id and the version).
EDITABLE_FIELDS = [
    "title",
    "category",
    "system",
    "description",
    "method",
    "recruiting_deadline",
    "tender_date",
    "contract_date",
    "operation_start",
    "end_date",
    "awarded_vendor_name",
    "awarded_vendor",
    "estimated_amount",
    "contract_amount",
    "initial_cost",
    "annual_running_cost",
    "funding",
    "funding_note",
    "spec_shareable",
    "contact_department",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "status", "share_equal", "share_population", "share_usage"]
MAX_AMOUNT = 10**13  # 10兆円: anything above is a typing mistake
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "text/csv": ".csv",
    "application/zip": ".zip",
}
MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def weights_from(raw: Mapping[str, object]) -> dict[str, Decimal]:
    """Cost-sharing weights as stored (4 decimal places); ValidationError on `cost_sharing`."""
    try:
        weights = parse_weights(raw)
    except ValueError as exc:
        raise ValidationError({"cost_sharing": [str(exc)]}) from exc
    stored: dict[str, Decimal] = {}
    for key, value in weights.items():
        if (value * 10_000).denominator != 1:
            raise ValidationError({"cost_sharing": [_("割合は小数点以下4桁までで指定してください。")]})
        stored[key] = Decimal(value.numerator) / Decimal(value.denominator)
    return stored


def municipalities_for_codes(*, prefecture: Organization, codes: Iterable[str]) -> list[Organization]:
    """The municipalities named by their codes, all of `prefecture`; ValidationError on `participants` otherwise."""
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"participants": [_("同じ団体が重複しています。")]})
    found = {o.code: o for o in Organization.objects.filter(code__in=wanted, kind=OrganizationKind.MUNICIPALITY)}
    errors = []
    for code in wanted:
        org = found.get(code)
        if org is None:
            errors.append(_("団体コード %(code)s の市区町村はありません。") % {"code": code})
        elif org.prefecture_id != prefecture.pk:
            errors.append(
                _("%(name)s（%(code)s）はほかの都道府県の市区町村です。招待できるのは%(pref)sの市区町村だけです。")
                % {"name": str(org), "code": code, "pref": prefecture.name}
            )
    if errors:
        raise ValidationError({"participants": errors})
    return [found[c] for c in wanted]


def _validate(fields: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("estimated_amount", "contract_amount", "initial_cost", "annual_running_cost"):
        value = fields.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [_("0以上の整数（円）で入力してください。")]
        elif value > MAX_AMOUNT:
            errors[name] = [_("金額が大きすぎます。単位（円）を確認してください。")]
    if not str(fields.get("title", "")).strip():
        errors["title"] = [_("件名を入力してください。")]
    if errors:
        raise ValidationError(errors)


def _invite(*, actor: Any, procurement: JointProcurement, municipalities: list[Organization]) -> None:
    """Make the invited set equal `municipalities`: new ones invited, unanswered ones dropped."""
    current = {p.municipality_id: p for p in procurement.participations.select_related("municipality")}
    wanted = {m.pk for m in municipalities}
    dropped = [p for mid, p in current.items() if mid not in wanted]
    answered = [p for p in dropped if p.status != ParticipationStatus.INVITED]
    if answered:
        names = "、".join(p.municipality.name for p in answered)
        raise ValidationError(
            {"participants": [_("回答済みの団体は招待を取り消せません: %(names)s") % {"names": names}]}
        )
    for participation in dropped:
        audit_record(
            actor=actor, target=procurement, action="uninvite", before={"municipality": participation.municipality.code}
        )
        participation.delete()
    for municipality in municipalities:
        if municipality.pk in current:
            continue
        Participation.objects.create(procurement=procurement, municipality=municipality)
        audit_record(actor=actor, target=procurement, action="invite", after={"municipality": municipality.code})


@transaction.atomic
def procurement_create(
    *,
    actor: Any,
    fields: Mapping[str, Any],
    participants: list[Organization],
    cost_sharing: Mapping[str, object],
    status: str = Status.PLANNING,
) -> JointProcurement:
    """Register a joint procurement led by the actor's prefecture and invite `participants`.

    The caller has asked the policy (`procurement.create`). Atomic: bad input raises ValidationError and
    writes nothing.
    """
    prefecture = actor.organization
    _validate(fields)
    if status not in Status.values:
        raise ValidationError({"status": [_("状況の値が正しくありません。")]})
    for municipality in participants:
        if municipality.prefecture_id != prefecture.pk:
            raise ValidationError({"participants": [_("ほかの都道府県の市区町村は招待できません。")]})
    weights = weights_from(cost_sharing)
    procurement = JointProcurement(
        lead_prefecture=prefecture,
        status=status,
        share_equal=weights["equal"],
        share_population=weights["population"],
        share_usage=weights["usage"],
        **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS},
    )
    procurement.save()
    procurement.ocid = f"{settings.OCDS_PREFIX}-{procurement.pk}"
    procurement.save(update_fields=["ocid"])
    audit_record(actor=actor, target=procurement, action="create", after=audit_snapshot(procurement, AUDITED_FIELDS))
    _invite(actor=actor, procurement=procurement, municipalities=participants)
    return procurement


@transaction.atomic
def procurement_update(
    *,
    actor: Any,
    procurement: JointProcurement,
    version: int,
    fields: Mapping[str, Any],
    participants: list[Organization] | None = None,
    cost_sharing: Mapping[str, object] | None = None,
) -> JointProcurement:
    """Edit a procurement read at `version`; someone else's save in between is a ProcurementConflict.

    The caller has asked the policy (`procurement.change`). Atomic.
    """
    locked = JointProcurement.objects.select_for_update().get(pk=procurement.pk)
    if locked.version != version:
        raise ProcurementConflict(_("ほかの人が先に更新しました。最新の内容を読み込んでからやり直してください。"))
    merged = {name: getattr(locked, name) for name in EDITABLE_FIELDS} | dict(fields)
    _validate(merged)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(locked, name, value)
    if cost_sharing is not None:
        weights = weights_from(cost_sharing)
        locked.share_equal, locked.share_population, locked.share_usage = (
            weights["equal"],
            weights["population"],
            weights["usage"],
        )
    if participants is not None:
        for municipality in participants:
            if municipality.prefecture_id != locked.lead_prefecture_id:
                raise ValidationError({"participants": [_("ほかの都道府県の市区町村は招待できません。")]})
        _invite(actor=actor, procurement=locked, municipalities=participants)
    locked.version += 1
    locked.save()
    after = audit_snapshot(locked, AUDITED_FIELDS)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    audit_record(
        actor=actor,
        target=locked,
        action="update",
        before={k: before[k] for k in changed},
        after=changed,
    )
    return locked


@transaction.atomic
def procurement_transition(
    *, actor: Any, procurement: JointProcurement, action: str, comment: str = ""
) -> JointProcurement:
    """Move a procurement along workflow.TRANSITIONS. 409 (ProcurementConflict) for a move its status does
    not allow; ValidationError naming the fields a move needs and lacks. The caller has asked the policy."""
    locked = JointProcurement.objects.select_for_update().get(pk=procurement.pk)
    transition = workflow.find_transition(locked.status, action)
    if transition is None:
        raise ProcurementConflict(
            _("「%(status)s」の共同調達にはこの操作（%(action)s）はできません。")
            % {"status": locked.get_status_display(), "action": action}
        )
    missing = {
        name: [
            _("%(field)sを入力してから進めてください。")
            % {"field": getattr(JointProcurement._meta.get_field(name), "verbose_name", name)}
        ]
        for name in transition.requires
        if getattr(locked, name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    before = locked.status
    locked.status = transition.target
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        target=locked,
        action=f"status:{action}",
        before={"status": before},
        after={"status": locked.status},
        comment=comment,
    )
    return locked


@transaction.atomic
def participation_answer(
    *,
    actor: Any,
    procurement: JointProcurement,
    status: str,
    comment: str = "",
    usage_units: int | None = None,
    standalone_estimate: int | None = None,
) -> Participation:
    """The actor's municipality answers its invitation (意向調査). The caller has asked `procurement.answer`.

    Answers are taken while the procurement is being planned or recruiting (409 afterwards); a withdrawal
    is possible until the contract is signed.
    """
    if status not in ANSWER_STATUSES:
        raise ValidationError({"status": [_("回答は interested / committed / declined / withdrawn のいずれかです。")]})
    for name, value in (("usage_units", usage_units), ("standalone_estimate", standalone_estimate)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_AMOUNT
        ):
            raise ValidationError({name: [_("0以上の整数で入力してください。")]})
    locked = JointProcurement.objects.select_for_update().get(pk=procurement.pk)
    open_statuses = (
        (*workflow.ANSWERABLE_STATUSES, Status.TENDERING)
        if status == ParticipationStatus.WITHDRAWN
        else workflow.ANSWERABLE_STATUSES
    )
    if locked.status not in open_statuses:
        raise ProcurementConflict(
            _("この共同調達は「%(status)s」のため、回答を受け付けていません。")
            % {"status": locked.get_status_display()}
        )
    participation = Participation.objects.select_for_update().get(procurement=locked, municipality=actor.organization)
    fields = ["status", "comment", "usage_units", "standalone_estimate", "answered_at", "answered_by"]
    before = audit_snapshot(participation, fields)
    participation.status = status
    participation.comment = comment.strip()
    if usage_units is not None:
        participation.usage_units = usage_units
    if standalone_estimate is not None:
        participation.standalone_estimate = standalone_estimate
    participation.answered_at = timezone.now()
    participation.answered_by = actor
    participation.save()
    audit_record(
        actor=actor,
        target=locked,
        action="answer",
        before={"municipality": actor.organization.code, **before},
        after={"municipality": actor.organization.code, **audit_snapshot(participation, fields)},
        comment=participation.comment,
    )
    return participation


def _sniff(upload: UploadedFile) -> str | None:
    """The document type by its extension and first bytes; None when not an allowed type."""
    name = (upload.name or "").lower()
    head = upload.read(8)
    upload.seek(0)
    for content_type, extension in ALLOWED_DOCUMENT_TYPES.items():
        if not name.endswith(extension):
            continue
        if extension == ".pdf" and not head.startswith(b"%PDF"):
            return None
        if extension in (".docx", ".xlsx", ".zip") and not head.startswith(b"PK"):
            return None
        return content_type
    return None


@transaction.atomic
def document_add(
    *, actor: Any, procurement: JointProcurement, title: str, upload: UploadedFile, visibility: str
) -> ProcurementDocument:
    """Store a document of a procurement (PDF, Word, Excel, CSV or ZIP up to 20 MB). Caller asked `procurement.change`."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("資料名を入力してください。")]
    if visibility not in DocumentVisibility.values:
        errors["visibility"] = [_("公開範囲を選んでください。")]
    if upload.size is None or upload.size > MAX_DOCUMENT_SIZE:
        errors["file"] = [_("ファイルは20MBまでです。")]
    content_type = _sniff(upload)
    if content_type is None and "file" not in errors:
        errors["file"] = [_("PDF・Word・Excel・CSV・ZIPのファイルを選んでください。")]
    if errors:
        raise ValidationError(errors)
    document = ProcurementDocument(
        procurement=procurement,
        title=title.strip(),
        original_name=(upload.name or "document")[-200:],
        content_type=content_type or "",
        size=upload.size or 0,
        visibility=visibility,
        uploaded_by=actor,
    )
    extension = ALLOWED_DOCUMENT_TYPES[content_type or ""]
    document.file.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    document.save()
    audit_record(
        actor=actor,
        target=procurement,
        action="document",
        after={"title": document.title, "visibility": visibility, "file": document.original_name},
    )
    return document
