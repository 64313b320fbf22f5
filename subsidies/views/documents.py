"""The decision notice (交付決定通知書) and attachments: upload, and download for those who may read the claim."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal.models import OrganizationKind

from .. import services
from ..errors import ClaimError
from ..forms import AttachmentForm
from ..models import Attachment
from .claims import get_claim


@login_required
def decision_notice(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    if not claim.decision_number:
        raise Http404(_("この申請はまだ交付決定されていません。"))
    applicant = claim.applicant
    # The addressee is the head of the applicant: 知事 of a prefecture, 市長・町長・村長・区長 otherwise.
    addressee = f"{applicant.name}知事" if applicant.kind == OrganizationKind.PREFECTURE else f"{applicant.name}長"
    return render(
        request,
        "subsidies/decision_notice.html",
        {"claim": claim, "lines": claim.line_items.all(), "addressee": addressee},
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        sent = "file" in request.FILES  # a file that the form refuses (an empty one) has its own message
        messages.error(request, str(form.errors["file"][0]) if sent else _("ファイルを選んでください。"))
        return redirect("subsidies:claim-detail", pk=claim.pk)
    try:
        services.attachment_add(
            claim=claim,
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ClaimError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("ファイルを添付しました。"))
    return redirect("subsidies:claim-detail", pk=claim.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = policy.get_visible_or_404(request.user, Attachment.objects.select_related("claim"), pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
