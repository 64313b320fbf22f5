"""The foundation pages in a real browser: Japanese text renders, keyboard reaches content, axe finds nothing serious."""

import pytest

from .harness import axe_violations

pytestmark = pytest.mark.browser

PAGES = ["/", "/organizations/", "/organizations/205419/", "/about/", "/accessibility/", "/accounts/login/"]


@pytest.mark.django_db(transaction=True)
def test_foundation_pages_pass_axe_in_japanese_and_english(page):
    for language in ("ja", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        for path in PAGES:
            page.goto(page.base_url + path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], f"{language} {path}"


@pytest.mark.django_db(transaction=True)
def test_skip_link_and_search_by_keyboard(page):
    page.goto(page.base_url + "/organizations/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.keyboard.press("Enter")
    page.get_by_label("団体名・よみがな").fill("ｵﾌﾞｾ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("link", name="長野県 小布施町").is_visible()
