"""Import pages: choose a kind, upload, preview (dry run), confirm, follow a large import, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import policy
from portal.models import ImportRecord, ImportStatus

from . import services
from .api import record_data, template_response
from .forms import UploadForm
from .kinds import ImportKind, all_kinds, get_kind


def _kind(name: str) -> ImportKind:
    kind = get_kind(name)
    if kind is None:
        raise Http404(_("この種類の取り込みはありません。"))
    return kind


def _refused(request: HttpRequest, kind: ImportKind) -> HttpResponse | None:
    decision = policy.check(request.user, kind.action)
    if decision:
        return None
    return render(request, "portal/imports/refused.html", {"kind": kind, "reason": decision.reason}, status=403)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "imports.use")
    kinds = [k for k in all_kinds() if policy.check(request.user, k.action)]
    return render(request, "portal/imports/index.html", {"kinds": kinds})


@login_required
def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    import_kind = _kind(kind)
    return template_response(import_kind, fmt, request.GET.get("encoding", ""))


def _preview_page(request: HttpRequest, kind: ImportKind, preview: services.Preview, status: int = 200) -> HttpResponse:
    return render(request, "portal/imports/preview.html", {"kind": kind, "preview": preview}, status=status)


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind(kind)
    refused = _refused(request, import_kind)
    if refused is not None:
        return refused
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload_file = services.Upload.from_file(form.cleaned_data["file"])
        if services.row_count(kind=import_kind, upload=upload_file) > services.LARGE_FILE_ROWS:
            record = services.import_start(kind=import_kind, actor=request.user, upload=upload_file, dry_run=True)
            return redirect("imports:record", pk=record.pk)
        preview = services.import_preview(kind=import_kind, actor=request.user, upload=upload_file)
        if preview.ok:
            services.upload_keep(actor=request.user, upload=upload_file)
        return _preview_page(request, import_kind, preview, 200 if preview.ok else 400)
    return render(
        request, "portal/imports/upload.html", {"kind": import_kind, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def confirm(request: HttpRequest, kind: str) -> HttpResponse:
    """Import the file previewed before (kept server-side by checksum): nothing is uploaded again."""
    import_kind = _kind(kind)
    refused = _refused(request, import_kind)
    if refused is not None:
        return refused
    checksum = request.POST.get("checksum", "")
    file_name = request.POST.get("file_name", "")
    upload_file = services.upload_load(actor=request.user, checksum=checksum, file_name=file_name)
    if upload_file is None:
        messages.error(request, _("確認したファイルが見つかりません。もう一度アップロードしてください。"))
        return redirect("imports:upload", kind=import_kind.name)
    path = services.stored_path(actor=request.user, checksum=upload_file.checksum, file_name=upload_file.name)
    if services.row_count(kind=import_kind, upload=upload_file) > services.LARGE_FILE_ROWS:
        record = services.import_start(kind=import_kind, actor=request.user, upload=upload_file, dry_run=False)
        return redirect("imports:record", pk=record.pk)
    try:
        record = services.import_apply(kind=import_kind, actor=request.user, upload=upload_file)
    except services.ImportRejected as rejected:
        return _preview_page(request, import_kind, rejected.preview, 400)
    services.upload_discard(path)
    messages.success(request, _("取り込みました。"))
    return redirect("imports:record", pk=record.pk)


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    import_record = policy.get_visible_or_404(
        request.user, ImportRecord.objects.select_related("actor", "on_behalf_of"), pk=pk
    )
    running = import_record.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    context = {
        "record": import_record,
        "kind": get_kind(import_record.kind),
        "progress": services.record_progress(import_record),
        "running": running,
        "can_confirm": import_record.dry_run
        and import_record.status == ImportStatus.DONE
        and import_record.actor_id == request.user.pk,
    }
    return render(request, "portal/imports/record.html", context)


@login_required
def record_status(request: HttpRequest, pk: int) -> JsonResponse:
    import_record = policy.get_visible_or_404(request.user, ImportRecord.objects.all(), pk=pk)
    data = record_data(import_record)
    data.pop("errors")
    return JsonResponse(data)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "imports.use")
    records = policy.visible(request.user, ImportRecord.objects.select_related("actor", "on_behalf_of__prefecture"))
    labels = {k.name: k.label for k in all_kinds()}
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    for item in page:
        item.kind_label = labels.get(item.kind, item.kind)  # type: ignore[attr-defined]
    return render(request, "portal/imports/history.html", {"page": page})
