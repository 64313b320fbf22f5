"""The claim pages: the Done-when journey by posting the forms, conflicts, visibility, notice, export, results."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from subsidies.models import Claim, ClaimResult, ClaimStatus
from tests.subsidies.conftest import GOOD_LINES, TRAVEL_LINE, make_claim, this_fiscal_year

S = ClaimStatus


def line_data(lines: list[dict[str, Any]], *, extra: int = 0, deleted: tuple[int, ...] = ()) -> dict[str, str]:
    data = {
        "lines-TOTAL_FORMS": str(len(lines) + extra),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for i, line in enumerate(lines):
        for key in ("category", "description", "vendor", "amount", "justification"):
            data[f"lines-{i}-{key}"] = str(line.get(key, ""))
        if i in deleted:
            data[f"lines-{i}-DELETE"] = "on"
    return data


def act(client: Any, claim_id: int, action: str, **extra: Any) -> Any:
    return client.post(f"/subsidies/claims/{claim_id}/transition/", {"action": action, **extra})


def test_done_when_journey_in_the_browser(programs: Any, client_as: Any) -> None:
    staff, manager = client_as("obuse-staff"), client_as("obuse-manager")
    prefecture, official, payer = client_as("nagano-pref-staff"), client_as("soumu-official"), client_as("soumu-payer")
    lines = [*GOOD_LINES, TRAVEL_LINE]
    form = {"program": "standardization", "title": "標準化移行（画面）", "fiscal_year": str(this_fiscal_year())}
    response = staff.post("/subsidies/claims/new/?program=standardization", {**form, **line_data(lines, extra=2)})
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(title="標準化移行（画面）")
    assert claim.line_items.count() == 4  # blank extra rows are not lines
    page = staff.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    assert "未解決の指摘" in page and "職員の旅費" in page
    # the staff member sees no submit button; the manager does
    assert 'value="submit"' not in page
    assert 'value="submit"' in manager.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    refused = act(manager, claim.pk, "submit")
    assert refused.status_code == 400 and "4行目" in refused.content.decode()

    edit = staff.get(f"/subsidies/claims/{claim.pk}/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', edit).group(1)
    saved = staff.post(
        f"/subsidies/claims/{claim.pk}/edit/",
        {**form, "version": version, **line_data(lines, deleted=(3,))},
    )
    assert saved.status_code == 302
    claim.refresh_from_db()
    assert claim.line_items.count() == 3 and claim.requested_amount == 9_956_000

    assert act(manager, claim.pk, "submit").status_code == 302
    assert act(prefecture, claim.pk, "confirm").status_code == 302
    assert act(official, claim.pk, "return").status_code == 400  # a return needs its reasons
    assert act(official, claim.pk, "return", comment="B行の見積書をお願いします。").status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.RETURNED
    version = claim.version
    assert (
        staff.post(
            f"/subsidies/claims/{claim.pk}/edit/", {**form, "version": version, **line_data(GOOD_LINES)}
        ).status_code
        == 302
    )
    assert act(manager, claim.pk, "submit").status_code == 302
    assert act(prefecture, claim.pk, "confirm").status_code == 302
    assert act(official, claim.pk, "approve", amount="9000000").status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.APPROVED and claim.decided_amount == 9_000_000
    notice = manager.get(f"/subsidies/claims/{claim.pk}/notice/")
    assert notice.status_code == 200
    assert claim.decision_number in notice.content.decode() and "交付決定通知書" in notice.content.decode()
    assert "小布施町長　殿" in notice.content.decode() and "9,000,000円" in notice.content.decode()

    assert manager.get(f"/subsidies/claims/{claim.pk}/report/").status_code == 200
    reported = manager.post(f"/subsidies/claims/{claim.pk}/report/", {**line_data(GOOD_LINES[:2]), "comment": "完了"})
    assert reported.status_code == 302
    assert act(official, claim.pk, "fix").status_code == 302
    assert act(official, claim.pk, "pay").status_code == 403
    assert act(payer, claim.pk, "pay").status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.PAID and claim.fixed_amount == 8_756_000
    timeline = staff.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    for label in ("提出", "都道府県確認", "差戻し", "交付決定", "実績報告", "額の確定", "支払"):
        assert label in timeline
    assert "B行の見積書をお願いします。" in timeline


def test_stale_page_save_shows_a_conflict_and_keeps_the_input(programs: Any, users: Any, client_as: Any) -> None:
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    stale = str(claim.version)
    form = {"title": "", "fiscal_year": str(claim.fiscal_year), **line_data(GOOD_LINES)}
    first = client_as("obuse-manager").post(
        f"/subsidies/claims/{claim.pk}/edit/", {**form, "title": "先に保存", "version": stale}
    )
    assert first.status_code == 302
    second = client_as("obuse-staff").post(
        f"/subsidies/claims/{claim.pk}/edit/", {**form, "title": "後から保存した事業名", "version": stale}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "先に保存しました" in page
    assert 'value="後から保存した事業名"' in page  # what the user typed is still on the page
    claim.refresh_from_db()
    assert claim.title == "先に保存"


def test_another_organizations_claim_is_404_on_every_page(
    programs: Any, users: Any, client_as: Any, client: Any
) -> None:
    claim = make_claim(S.APPROVED, program=programs["standardization"], by=users["obuse-staff"])
    claim.decision_number = "R8デジ補第000001号"
    claim.save()
    urls = [f"/subsidies/claims/{claim.pk}/{suffix}" for suffix in ("", "edit/", "notice/", "report/")]
    for username in ("saku-staff", "chizu-staff", "tottori-pref-staff", "vendor-demo"):
        browser = client_as(username)
        for url in urls:
            assert browser.get(url).status_code == 404, (username, url)
        assert act(browser, claim.pk, "report").status_code == 404
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_filters_work_queue_and_export(programs: Any, users: Any, client_as: Any) -> None:
    program = programs["standardization"]
    waiting = make_claim(S.SUBMITTED, program=program, by=users["obuse-staff"])
    waiting.title = '=HYPERLINK("http://example.com")'
    waiting.save()
    make_claim(S.DRAFT, program=program, by=users["obuse-staff"])
    other = make_claim(S.UNDER_REVIEW, program=program, applicant="313289", by=users["chizu-staff"])
    page = client_as("nagano-pref-staff").get("/subsidies/claims/").content.decode()
    assert "あなたの対応待ち" in page and f"/subsidies/claims/{waiting.pk}/" in page
    assert f"/subsidies/claims/{other.pk}/" not in page
    official = client_as("soumu-official")
    filtered = official.get("/subsidies/claims/?prefecture=31").content.decode()
    assert f"/subsidies/claims/{other.pk}/" in filtered and f"/subsidies/claims/{waiting.pk}/" not in filtered

    exported = official.get("/subsidies/claims/export/?format=csv&prefecture=20")
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "ID" and len(rows) == 2
    assert rows[1][6] == '\'=HYPERLINK("http://example.com")'  # never run as a formula
    xlsx = official.get("/subsidies/claims/export/?format=xlsx&prefecture=20")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=7).value.startswith("'=")
    assert sheet.cell(row=2, column=10).value == waiting.requested_amount  # numbers stay numbers


def test_attachments_are_served_only_to_readers(
    programs: Any, users: Any, client_as: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    claim = make_claim(S.DRAFT, program=programs["standardization"], by=users["obuse-staff"])
    staff = client_as("obuse-staff")
    upload = SimpleUploadedFile("見積書.pdf", b"%PDF-1.7 quote", content_type="application/pdf")
    assert staff.post(f"/subsidies/claims/{claim.pk}/attachments/", {"file": upload}).status_code == 302
    attachment = claim.attachments.get()
    download = staff.get(f"/subsidies/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 quote"
    assert client_as("saku-staff").get(f"/subsidies/attachments/{attachment.pk}/").status_code == 404
    assert client_as("nagano-pref-staff").get(f"/subsidies/attachments/{attachment.pk}/").status_code == 404  # a draft
    bad = SimpleUploadedFile("quote.pdf", b"<html>not a pdf</html>")
    response = staff.post(f"/subsidies/claims/{claim.pk}/attachments/", {"file": bad}, follow=True)
    assert "一致しません" in response.content.decode()
    assert claim.attachments.count() == 1


def test_results_are_published_after_fixed(programs: Any, users: Any, client_as: Any, client: Any) -> None:
    claim = make_claim(
        S.FIXED, program=programs["standardization"], by=users["obuse-staff"], fixed_by=users["soumu-official"]
    )
    response = client_as("obuse-staff").post(
        f"/subsidies/claims/{claim.pk}/result/",
        {
            "implementation_status": "住民記録など20業務を移行",
            "effects": "運用経費を年1,200万円削減",
            "published": "on",
        },
    )
    assert response.status_code == 302
    assert ClaimResult.objects.get(claim=claim).published
    listing = client.get("/subsidies/results/?prefecture=20").content.decode()
    assert f"/subsidies/results/{claim.pk}/" in listing
    detail = client.get(f"/subsidies/results/{claim.pk}/")
    assert detail.status_code == 200 and "運用経費を年1,200万円削減" in detail.content.decode()
    unpublished = make_claim(S.APPROVED, program=programs["standardization"], by=users["obuse-staff"])
    assert client.get(f"/subsidies/results/{unpublished.pk}/").status_code == 404


def test_score_helper(client: Any) -> None:
    page = client.get(
        "/subsidies/score/?uses_madoguchi_saas=on&bpr_route=advisor_training&base_score=70"
    ).content.decode()
    assert "8点" in page and "78点" in page
    no_bpr = client.get("/subsidies/score/?uses_madoguchi_saas=on&bpr_route=none").content.decode()
    assert "0点" in no_bpr


def test_the_line_form_loads_its_script_without_inline_code(programs: Any, client_as: Any) -> None:
    page = client_as("obuse-staff").get("/subsidies/claims/new/?program=standardization").content.decode()
    assert 'src="/static/subsidies/claim_form.js"' in page
    # Only data (its messages) sits in the page; no code does.
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", page) is None
    assert 'data-check-url="/api/v1/subsidies/check/"' in page


def test_the_line_form_script_speaks_the_page_language(programs: Any, client_as: Any) -> None:
    def script_text(language: str) -> dict[str, str]:
        client = client_as("obuse-staff")
        client.cookies["django_language"] = language
        page = client.get("/subsidies/claims/new/?program=standardization").content.decode()
        found = re.search(r'<script id="claim-form-text" type="application/json">(.*?)</script>', page, re.S)
        assert found, language
        return json.loads(found.group(1))

    assert script_text("ja")["unresolved"].startswith("未解決の指摘：{message}")
    assert script_text("en")["unresolved"].startswith("Unresolved: {message}")
    assert script_text("en")["saved"] == "Saved automatically ({time}, version {version})."


def test_admin_lets_the_owning_ministry_maintain_its_programs(programs: Any, users: Any, client_as: Any) -> None:
    soumu, cao = client_as("soumu-official"), client_as("cao-official")
    standardization = programs["standardization"]
    assert soumu.get("/admin/subsidies/program/").status_code == 200
    assert soumu.get(f"/admin/subsidies/program/{standardization.pk}/change/").status_code == 200
    # 内閣府 reads 総務省's program but cannot change it
    refused = cao.post(f"/admin/subsidies/program/{standardization.pk}/change/", {"name": "書き換え"})
    assert refused.status_code == 403
    standardization.refresh_from_db()
    assert standardization.name != "書き換え"
    response = soumu.post(
        "/admin/subsidies/programbudget/add/",
        {"program": standardization.pk, "fiscal_year": "2027", "label": "令和9年度予算", "budget": "30000000000"},
    )
    assert response.status_code == 302
    assert standardization.budgets.get(fiscal_year=2027).budget == 30_000_000_000
    assert client_as("obuse-staff").get("/admin/subsidies/program/").status_code == 302
    claim = make_claim(S.SUBMITTED, program=standardization, by=users["obuse-staff"])
    assert soumu.get(f"/admin/subsidies/claim/{claim.pk}/change/").status_code == 200
    assert soumu.post(f"/admin/subsidies/claim/{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def buttons(client: Any, claim: Claim) -> set[str]:
    page = client.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    return set(re.findall(r'name="action" value="(\w+)"', page)) | ({"report"} if "/report/" in page else set())


def test_the_buttons_are_the_steps_the_table_allows(programs: Any, users: Any, client_as: Any) -> None:
    program = programs["standardization"]
    draft = make_claim(S.DRAFT, program=program, by=users["obuse-staff"])
    assert buttons(client_as("obuse-staff"), draft) == set()
    assert buttons(client_as("obuse-manager"), draft) == {"submit", "withdraw"}
    submitted = make_claim(S.SUBMITTED, program=program, by=users["obuse-staff"])
    assert buttons(client_as("nagano-pref-staff"), submitted) == {"confirm", "return"}
    assert buttons(client_as("soumu-official"), submitted) == set()
    review = make_claim(S.UNDER_REVIEW, program=program, by=users["obuse-staff"])
    assert buttons(client_as("soumu-official"), review) == {"approve", "return", "reject"}
    assert buttons(client_as("cao-official"), review) == set()
    assert buttons(client_as("nagano-pref-staff"), review) == set()
    approved = make_claim(S.APPROVED, program=program, by=users["obuse-staff"])
    assert buttons(client_as("obuse-manager"), approved) == {"report"}
    fixed = make_claim(S.FIXED, program=program, by=users["obuse-staff"], fixed_by=users["soumu-official"])
    assert buttons(client_as("soumu-official"), fixed) == set()
    assert buttons(client_as("soumu-payer"), fixed) == {"pay"}


def test_lists_do_not_grow_queries_with_rows(
    programs: Any, users: Any, client_as: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        make_claim(S.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    page, api = client_as("soumu-official"), api_as("soumu-official")
    with django_assert_max_num_queries(20):
        assert page.get("/subsidies/claims/").status_code == 200
    with django_assert_max_num_queries(20):
        assert api.get("/api/v1/subsidies/claims/").json()["count"] == 12


def test_a_returned_claim_of_an_earlier_year_can_still_be_edited(programs: Any, users: Any, client_as: Any) -> None:
    claim = make_claim(S.RETURNED, program=programs["standardization"], by=users["obuse-staff"])
    Claim.objects.filter(pk=claim.pk).update(fiscal_year=claim.fiscal_year - 3)
    claim.refresh_from_db()
    response = client_as("obuse-staff").post(
        f"/subsidies/claims/{claim.pk}/edit/",
        {
            "title": "前年度からの継続",
            "fiscal_year": str(claim.fiscal_year + 3),
            "version": str(claim.version),
            **line_data(GOOD_LINES),
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.title == "前年度からの継続"
    assert claim.fiscal_year == this_fiscal_year() - 3  # the year of a saved claim does not change


def test_a_bad_line_is_named_and_nothing_is_saved(programs: Any, client_as: Any) -> None:
    before = Claim.objects.count()
    bad = [{**GOOD_LINES[0], "amount": "十万円"}, GOOD_LINES[1]]
    response = client_as("obuse-staff").post(
        "/subsidies/claims/new/?program=standardization",
        {"program": "standardization", "title": "誤りあり", "fiscal_year": str(this_fiscal_year()), **line_data(bad)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "1行目：金額は円単位の整数で入力してください。" in page
    assert 'href="#id_lines-0-amount"' in page  # the summary links to the field
    assert 'value="十万円"' in page  # the input is kept
    assert Claim.objects.count() == before


def test_digiden_plan_on_the_claim_page(programs: Any, users: Any, client_as: Any, api_as: Any) -> None:
    lines = [{"category": "1", "description": "窓口DX SaaS導入", "amount": 20_000_000}]
    claim = make_claim(S.DRAFT, program=programs["digiden-type2"], by=users["obuse-staff"], lines=lines)
    staff = client_as("obuse-staff")
    saved = staff.post(
        f"/subsidies/claims/{claim.pk}/plan/",
        {"uses_madoguchi_saas": "on", "bpr_route": "advisor_training", "service_name": "窓口DX SaaS B"},
        follow=True,
    )
    assert "現在の回答による加点：8点" in saved.content.decode()
    assert api_as("obuse-staff").get(f"/api/v1/subsidies/claims/{claim.pk}/").json()["digiden_plan"]["bonus"] == 8
    Claim.objects.filter(pk=claim.pk).update(status=S.APPROVED, submitted_at=claim.created_at)
    refused = staff.post(f"/subsidies/claims/{claim.pk}/plan/", {"bpr_route": "advisor_training"}, follow=True)
    assert "窓口DX SaaS から他のサービスへ計画を変更することはできません" in refused.content.decode()
    assert claim.digiden_plan.uses_madoguchi_saas


def test_the_claim_page_says_who_acts_next_in_either_language(programs: Any, users: Any, client_as: Any) -> None:
    claim = make_claim(S.SUBMITTED, program=programs["standardization"], by=users["obuse-staff"])
    staff = client_as("obuse-staff")
    assert "都道府県の職員が内容を確認し" in staff.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    english = staff.get(f"/subsidies/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Prefecture staff check it" in english and "Submitted (awaiting the prefecture)" in english


def test_a_claim_names_the_businesses_it_covers(programs: Any, client_as: Any, api_as: Any) -> None:
    from catalog.business_areas import load_business_areas
    from catalog.models import BusinessArea

    load_business_areas()  # the 20 standardized businesses, as the catalog loads them
    resident = BusinessArea.objects.get(slug="resident_registry")
    tax = BusinessArea.objects.get(slug="individual_inhabitant_tax")
    form = {"program": "standardization", "title": "業務を選んだ申請", "fiscal_year": str(this_fiscal_year())}
    page = client_as("obuse-staff").get("/subsidies/claims/new/?program=standardization").content.decode()
    assert "住民基本台帳" in page
    response = client_as("obuse-staff").post(
        "/subsidies/claims/new/?program=standardization",
        {**form, "businesses": [resident.pk, tax.pk], **line_data(GOOD_LINES)},
    )
    assert response.status_code == 302
    assert set(Claim.objects.get(title="業務を選んだ申請").businesses.all()) == {resident, tax}
    body = {
        "program": "standardization",
        "fiscal_year": this_fiscal_year(),
        "title": "API",
        "businesses": ["resident_registry"],
    }
    created = api_as("obuse-staff").post("/api/v1/subsidies/claims/", body, format="json")
    assert created.status_code == 201 and created.json()["businesses"] == ["resident_registry"]
    unknown = api_as("obuse-staff").post(
        "/api/v1/subsidies/claims/", {**body, "businesses": ["no-such"]}, format="json"
    )
    assert unknown.status_code == 400 and "businesses" in unknown.json()["errors"]


def test_form_labels_carry_no_colon(programs: Any, client_as: Any) -> None:
    """Japanese forms label a field by its name alone (「件名」, not 「件名:」); each label still names its field."""
    page = client_as("obuse-staff").get("/subsidies/claims/new/?program=standardization").content.decode()
    labels = re.findall(r'<label for="([^"]+)">([^<]*)</label>', page)
    assert len(labels) > 5
    assert [text for _for, text in labels if text.rstrip().endswith((":", "："))] == []
    assert all(f'id="{target}"' in page for target, _text in labels)
