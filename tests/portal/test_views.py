"""Pages of the foundation: layout, home, directory, public-site pages, errors."""

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/about/", "/accessibility/", "/terms/", "/privacy/", "/contact/", "/sources/", "/organizations/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_japanese_with_landmarks(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "http://" not in re.sub(r'href="http[^"]*"', "", html)  # no external assets
    assert "<script>" not in html and " style=" not in html


def test_the_pages_link_to_the_organization_pages_not_the_api(client):
    html = client.get("/organizations/", {"q": "ｵﾌﾞｾ"}).content.decode()
    assert '<a href="/organizations/" aria-current="page">' in html  # the global navigation
    assert 'href="/organizations/205419/"' in html
    assert "/api/" not in re.sub(r'href="/api/docs/"', "", html)


def test_english_is_available(client):
    client.cookies["django_language"] = "en"
    html = client.get("/organizations/").content.decode()
    assert '<html lang="en">' in html


def test_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/about/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/about/").content.decode()


def test_directory_searches_by_kana_and_filters_by_prefecture(client):
    html = client.get("/organizations/", {"q": "ｵﾌﾞｾ"}).content.decode()
    assert "小布施町" in html and "1件" in html
    html = client.get("/organizations/", {"prefecture": "31", "kind": "municipality"}).content.decode()
    assert "智頭町" in html and "19件" in html and "小布施町" not in html


def test_organization_page_shows_its_facts_and_the_attribution(client):
    html = client.get("/organizations/205419/").content.decode()
    assert "長野県小布施町" in html and "205419" in html and "オブセマチ" in html
    assert "総務省 全国地方公共団体コード" in html
    prefecture = client.get("/organizations/200000/").content.decode()
    assert "管内の市区町村" in prefecture and "小布施町" in prefecture


def test_kana_readings_are_marked_japanese_on_english_pages(client):
    """Screen readers switch voice for the reading (JIS X 8341-3 / WCAG 3.1.2 language of parts)."""
    client.cookies["django_language"] = "en"
    listing = client.get("/organizations/", {"q": "ｵﾌﾞｾ"}).content.decode()
    detail = client.get("/organizations/205419/").content.decode()
    assert '<td lang="ja">オブセマチ</td>' in listing
    assert '<dd lang="ja">オブセマチ</dd>' in detail


def test_unknown_organization_is_a_404_page(client):
    response = client.get("/organizations/999999/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_directory_query_count_does_not_grow_with_page_size(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/organizations/")
    with django_assert_max_num_queries(8):
        client.get("/organizations/", {"page": 30})
