"""One case (`/procurement/<id>/`): facts, participants, shares, documents, timeline; status moves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import policy

from .. import selectors, services, workflow
from ..forms import AnswerForm, DocumentForm, TransitionForm
from ..timeline import timeline_for
from .common import require_or_login


def procurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    user = request.user
    can_edit = bool(policy.check(user, "procurement.change", procurement))
    sees_answers = bool(policy.check(user, "procurement.view_answers", procurement))
    participations = list(procurement.participations.all())
    own = None
    if policy.check(user, "procurement.answer", procurement):
        own = next((p for p in participations if p.municipality_id == user.organization_id), None)  # type: ignore[union-attr]
    # While municipalities are still answering, the shares are an estimate over those invited and not out;
    # the lead prefecture and officials see them all, an invited municipality its own.
    preview = procurement.status in workflow.ANSWERABLE_STATUSES
    shares = selectors.shares_for(procurement, preview=preview)
    own_share = next((row for row in shares if own and row.municipality.pk == own.municipality_id), None)
    if preview and not sees_answers:
        shares = []
    context = {
        "procurement": procurement,
        "participations": participations if sees_answers else [p for p in participations if p.status == "committed"],
        "sees_answers": sees_answers,
        "can_edit": can_edit,
        "own": own,
        "answer_form": AnswerForm(
            initial={"status": own.status if own and own.status != "invited" else "committed"}
            | (
                {"comment": own.comment, "usage_units": own.usage_units, "standalone_estimate": own.standalone_estimate}
                if own
                else {}
            )
        ),
        "answerable": procurement.status in workflow.ANSWERABLE_STATUSES,
        "shares": shares,
        "shares_preview": preview,
        "own_share": own_share,
        "shares_total": sum(row.share.share for row in shares),
        "savings_total": sum(row.share.saving or 0 for row in shares),
        "has_estimates": any(row.share.standalone_estimate is not None for row in shares),
        "transitions": workflow.transitions_from(procurement.status) if can_edit else [],
        "documents": [d for d in procurement.documents.all() if policy.check(user, "procurement.view_document", d)],
        "document_form": DocumentForm() if can_edit else None,
        "timeline": timeline_for(procurement, participations, full=sees_answers),
    }
    return render(request, "procurement/detail.html", context)


@require_POST
def procurement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = require_or_login(request, "procurement.change", procurement)
    if refused:
        return refused
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.procurement_transition(
                actor=request.user,
                procurement=procurement,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except services.ProcurementConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("状況を更新しました。"))
    return redirect("procurement:detail", pk=procurement.pk)


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    refused = require_or_login(request, "procurement.change", procurement)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                procurement=procurement,
                **{
                    "title": form.cleaned_data["title"],
                    "upload": form.cleaned_data["file"],
                    "visibility": form.cleaned_data["visibility"],
                },
            )
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("資料を登録しました。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(str(e) for e in errors)}")
    return redirect("procurement:detail", pk=procurement.pk)


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    procurement = selectors.procurement_detail(user=request.user, pk=pk)
    document = procurement.documents.filter(pk=document_pk).first()
    if document is None or not policy.check(request.user, "procurement.view_document", document):
        raise Http404(_("見つかりません。"))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("ファイルが見つかりません。")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
