"""Documents of a procurement: stored outside the web root, downloaded only by those the visibility allows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from procurement.models import ProcurementDocument

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Client, pk: int, visibility: str, name: str = "仕様書.pdf", content: bytes = PDF) -> Any:
    return client.post(
        f"/procurement/{pk}/documents/",
        {
            "title": f"資料-{visibility}",
            "visibility": visibility,
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


@pytest.mark.django_db
def test_document_visibility(register: Any, client_as: Any, client: Client, api_as: Any) -> None:
    case = register(participants=["202177", "205419"])
    pref = client_as("nagano-pref-staff")
    assert upload(pref, case["id"], "participants").status_code == 302
    assert upload(pref, case["id"], "public").status_code == 302
    assert upload(pref, case["id"], "prefecture").status_code == 302
    docs = {d.visibility: d for d in ProcurementDocument.objects.all()}
    api_as("saku-staff").post(
        f"/api/v1/procurement/joint-procurements/{case['id']}/participation/", {"status": "declined"}, format="json"
    )

    def status(c: Client, visibility: str) -> int:
        return c.get(f"/procurement/{case['id']}/documents/{docs[visibility].pk}/").status_code

    assert [status(client, v) for v in ("public", "participants", "prefecture")] == [200, 404, 404]
    assert [status(client_as("obuse-staff"), v) for v in ("public", "participants", "prefecture")] == [200, 200, 404]
    # 佐久市 declined: no longer a participant.
    assert status(client_as("saku-staff"), "participants") == 404
    assert status(client_as("tottori-pref-staff"), "participants") == 404
    assert [status(pref, v) for v in ("public", "participants", "prefecture")] == [200, 200, 200]
    response = client.get(f"/procurement/{case['id']}/documents/{docs['public'].pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    # The anonymous case page lists only the public document.
    page = client.get(f"/procurement/{case['id']}/").content.decode()
    assert "資料-public" in page
    assert "資料-participants" not in page and "資料-prefecture" not in page
    lead_page = pref.get(f"/procurement/{case['id']}/").content.decode()
    assert "資料-participants" in lead_page and "資料-prefecture" in lead_page


@pytest.mark.django_db
def test_bad_files_and_other_prefectures_are_refused(register: Any, client_as: Any) -> None:
    case = register()
    pref = client_as("nagano-pref-staff")
    response = upload(pref, case["id"], "public", name="virus.exe", content=b"MZ\x90\x00")
    assert response.status_code == 302
    assert ProcurementDocument.objects.count() == 0
    # A file named .pdf that is not a PDF.
    upload(pref, case["id"], "public", name="fake.pdf", content=b"<html>")
    assert ProcurementDocument.objects.count() == 0
    assert "PDF" in pref.get(f"/procurement/{case['id']}/").content.decode()  # the message is shown
    assert upload(client_as("tottori-pref-staff"), case["id"], "public").status_code == 403
    assert upload(client_as("obuse-staff"), case["id"], "public").status_code == 403
    assert ProcurementDocument.objects.count() == 0


@pytest.mark.django_db
def test_admin_lets_officials_read_and_nobody_edit(register: Any, client_as: Any) -> None:
    case = register()
    official = client_as("soumu-official")
    assert official.get("/admin/procurement/jointprocurement/").status_code == 200
    assert official.get(f"/admin/procurement/jointprocurement/{case['id']}/change/").status_code == 200
    assert official.get("/admin/procurement/jointprocurement/add/").status_code == 403
    assert client_as("nagano-pref-staff").get("/admin/procurement/jointprocurement/").status_code == 302


@pytest.mark.django_db
def test_a_portal_administrator_adds_a_category(client_as: Any, api_as: Any) -> None:
    from procurement.models import ProcurementCategory

    admin = client_as("soumu-official")
    response = admin.post(
        "/admin/procurement/procurementcategory/add/",
        {
            "slug": "document_management",
            "name": "文書管理",
            "name_en": "",
            "ocds_main_category": "services",
            "order": 60,
        },
    )
    assert response.status_code == 302
    assert ProcurementCategory.objects.filter(slug="document_management").exists()
    assert client_as("soumu-payer").get("/admin/procurement/procurementcategory/add/").status_code == 403
    created = api_as("nagano-pref-staff").post(
        "/api/v1/procurement/joint-procurements/",
        {"title": "長野県 文書管理システム共同調達", "category": "document_management", "method": "negotiated"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["category"] == "document_management"
