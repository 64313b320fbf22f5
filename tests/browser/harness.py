"""Browser-test helpers: Debian's chromium driven by Playwright against a live server, with axe-core injected.

The set-up installs what is missing: chromium and fonts-noto-cjk with apt-get (as root), axe-core with npm.
Locally a machine that cannot install them skips these tests; under CI=true that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"


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
