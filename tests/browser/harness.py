"""Browser-test helpers: Debian's chromium driven by Playwright against a live server, with axe-core injected.

The set-up installs what is missing: chromium and fonts-noto-cjk with apt-get (as root), axe-core with npm.
Locally a machine that cannot install them skips these tests; under CI=true that is a failure.

Every axe check is recorded in docs/accessibility/results/<test module>.json (one file per module, so parallel
workers never write the same file); the accessibility page (/accessibility/) shows the latest results.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
RESULTS = ROOT / "docs" / "accessibility" / "results"


def install_missing() -> str:
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


def login(page: Any, username: str, password: str = "demo-portal-2026") -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (WCAG 2.1 A/AA rules); the check is recorded."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    test = os.environ.get("PYTEST_CURRENT_TEST", "")
    if test:
        record_axe_result(
            RESULTS,
            test=test.rsplit(" ", 1)[0],
            page=page_name(page.url),
            language=page.evaluate("document.documentElement.lang"),
            violations=violations,
            axe_version=result["testEngine"]["version"],
        )
    return violations


def axe_in_japanese_and_english(page: Any, ready: str = "") -> dict[str, list[dict[str, Any]]]:
    """The current page (read again with GET) checked in Japanese, then English, each once the `ready` selector
    is there (charts drawn by a script, say); the page is left in Japanese."""
    found = {}
    for language in ("ja", "en"):
        _read_again_in(page, language, ready)
        assert page.locator("html").get_attribute("lang") == language
        found[language] = axe_violations(page)
    _read_again_in(page, "ja", ready)
    return found


def _read_again_in(page: Any, language: str, ready: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(page.url)
    if ready:
        page.wait_for_selector(ready)


def page_name(url: str) -> str:
    """The page's path as its URL pattern names it: numeric ids, which change from run to run, read `<id>`."""
    from django.urls import Resolver404, resolve

    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path
    if match.route.startswith("^"):  # a regular-expression route: keep the path as it is
        path = parts.path
    else:

        def value(m: re.Match[str]) -> str:
            return "<id>" if m.group(1) == "int" else str(match.kwargs[m.group(2)])

        path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, match.route)
    return path + ("?" + parts.query if parts.query else "")


_started: set[str] = set()  # the tests of this run whose earlier results were already replaced


def record_axe_result(
    directory: Path,
    *,
    test: str,
    page: str,
    language: str,
    violations: list[dict[str, Any]],
    axe_version: str,
    on: dt.date | None = None,
) -> None:
    """Write one axe check into `directory`/<module>.json: a test's first check of a run replaces its old ones,
    and a page it checks twice in one language keeps the worse result."""
    module, _, name = test.partition("::")
    stem = Path(module).with_suffix("").as_posix().removeprefix("tests/").replace("/", ".")
    path = directory / f"{stem}.json"
    results = json.loads(path.read_text(encoding="utf-8"))["results"] if path.exists() else []
    if test not in _started:
        _started.add(test)
        results = [r for r in results if r["test"] != name]
    entry: dict[str, Any] = {
        "test": name,
        "page": page,
        "language": language,
        "serious": sum(1 for v in violations if v["impact"] == "serious"),
        "critical": sum(1 for v in violations if v["impact"] == "critical"),
        "rules": sorted({v["id"] for v in violations}),
        "date": (on or dt.datetime.now(dt.UTC).date()).isoformat(),
        "axe": axe_version,
    }
    key = (name, page, language)
    earlier = next((r for r in results if (r["test"], r["page"], r["language"]) == key), None)
    if earlier is not None:
        if earlier["serious"] + earlier["critical"] > entry["serious"] + entry["critical"]:
            return
        results.remove(earlier)
    results.append(entry)
    results.sort(key=lambda r: (r["page"], r["language"], r["test"]))
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"module": module, "results": results}, ensure_ascii=False, indent=1)
    partial = path.with_suffix(".json.tmp")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(path)  # readers (the accessibility page) never see half a file


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
