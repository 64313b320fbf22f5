"""Printing in chromium: the claim page and the decision notice (交付決定通知書) come out as clean A4 forms — A4 pages,
no navigation, header, footer, buttons or action forms, the Japanese text in the PDF, a sensible number of pages."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader

from subsidies import services
from subsidies.models import Claim, ClaimStatus
from tests.subsidies.conftest import make_claim, programs  # noqa: F401 - the seeded programs, open today

from .harness import login

pytestmark = pytest.mark.browser

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm
# What must not print: the site's chrome and anything to press or fill in.
NOT_PRINTED = "header, nav, footer, .skip-link, .breadcrumbs, .messages, button, .button, .button-secondary, form"


@pytest.fixture
def decided_claim(programs: Any, users: dict[str, Any]) -> Claim:  # noqa: F811
    claim = make_claim(ClaimStatus.UNDER_REVIEW, program=programs["standardization"], by=users["obuse-staff"])
    return services.claim_transition(
        claim=claim,
        actor=users["soumu-official"],
        action="approve",
        comment="適正と認めます。",
        amount=claim.requested_amount,
    )


def printed(page: Any, path: str) -> PdfReader:
    """Open `path` as it prints: nothing but the content is shown, and the PDF chromium makes of it."""
    page.goto(page.base_url + path)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
             .filter(el => el.checkVisibility())
             .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' +
                        (el.textContent || '').trim().slice(0, 30))""",
        NOT_PRINTED,
    )
    assert shown == [], f"{path} prints {shown}"
    return PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))


def assert_a4(reader: PdfReader) -> None:
    for number, pdf_page in enumerate(reader.pages, start=1):
        size = (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1), f"page {number} is {size} points, not A4"


# Noto Sans CJK maps some kanji glyphs to the radicals' code points in the PDF's text layer (⾏ for 行, ⻑ for 長):
# NFKC folds the Kangxi radicals, this table the supplement's ones that occur in these pages.
RADICALS = str.maketrans({"⻑": "長", "⺠": "民", "‧": "・"})


def text_of(reader: PdfReader) -> str:
    text = "".join(pdf_page.extract_text() for pdf_page in reader.pages)
    return unicodedata.normalize("NFKC", text.translate(RADICALS)).replace(" ", "").replace("\n", "")


@pytest.mark.django_db(transaction=True)
def test_claim_page_prints_as_a4_form(page: Any, decided_claim: Claim) -> None:
    login(page, "obuse-manager")  # the page of someone who can still act on it (report, attach)
    reader = printed(page, f"/subsidies/claims/{decided_claim.pk}/")
    assert_a4(reader)
    assert 1 <= len(reader.pages) <= 3
    text = text_of(reader)
    for expected in (
        "基幹業務システム標準化移行事業",
        "小布施町",
        "交付決定額",
        "9,956,000円",
        "経過",
        "住民記録データの移行",
    ):
        assert expected in text, expected
    for chrome in ("グローバルナビゲーション", "ログアウト", "利用規約", "実績を報告する", "添付する"):
        assert chrome not in text, chrome


@pytest.mark.django_db(transaction=True)
def test_decision_notice_prints_on_one_a4_page(page: Any, decided_claim: Claim) -> None:
    login(page, "obuse-staff")
    page.goto(f"{page.base_url}/subsidies/claims/{decided_claim.pk}/")
    page.get_by_role("link", name="交付決定通知書").click()
    page.wait_for_load_state()
    reader = printed(page, page.url.removeprefix(page.base_url))
    assert_a4(reader)
    assert len(reader.pages) == 1
    text = text_of(reader)
    for expected in (
        "交付決定通知書",
        decided_claim.decision_number,
        "小布施町長殿",
        "総務省",
        "交付決定額",
        "9,956,000円",
        "標準仕様書とのFit&Gap分析業務委託",
    ):
        assert expected in text, expected
    for chrome in ("申請に戻る", "ログアウト", "利用規約", "国・地方デジタル共通基盤ポータル本文へ移動"):
        assert chrome not in text, chrome
