"""Browser tests: Debian's chromium driven by Playwright against a live server, with axe-core injected.

The set-up installs what is missing: chromium and fonts-noto-cjk with apt-get (as root), axe-core with npm.
Locally a machine that cannot install them skips these tests; under CI=true that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI, require_service

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"

pytestmark = pytest.mark.browser


def _install_missing() -> str:
    """Install chromium, Japanese fonts and axe-core when missing; returns what could not be had."""
    problems = []
    if not Path(CHROMIUM).exists() or not Path("/usr/share/fonts/opentype/noto").exists():
        if os.geteuid() == 0 and shutil.which("apt-get"):
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
                check=False,
                env=env,
                capture_output=True,
            )
        if not Path(CHROMIUM).exists():
            problems.append("chromium")
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=ROOT, check=False, capture_output=True)
    if not AXE.exists():
        problems.append("axe-core")
    return ", ".join(problems)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _install_missing()
    require_service("chromium and axe-core", not missing, f"missing: {missing}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread until the session ends; database calls
    # of the tests are still synchronous and safe (the documented setting for driving Django with Playwright).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A Japanese page in a fresh context; the live server's data is the seeded base data."""
    # axe-core is injected as a script, which the portal's CSP forbids; only the test's context bypasses it.
    context = browser.new_context(locale="ja-JP", bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def login(page: Any, username: str, password: str = "demo-portal-2026") -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (WCAG 2.1 A/AA rules)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


__all__ = ["IN_CI", "axe_violations", "login", "screenshot"]
