"""The project's own wiring: production checks, docker compose, the README's commands and CI."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by browser tests
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "k" * 20 + "-a-long-production-secret-with-entropy-93f8a7c2d1",
        "ALLOWED_HOSTS": "portal.example.lg.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_requires_two_factor_and_secure_cookies():
    text = (ROOT / "portal/settings/production.py").read_text()
    assert 'PORTAL_REQUIRE_2FA = env.bool("PORTAL_REQUIRE_2FA", default=True)' in text
    assert "SESSION_COOKIE_SECURE = True" in text


def test_docker_compose_describes_the_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn portal.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    web = services["web"]
    assert "8000:8000" in web["ports"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert any(volume.endswith(":/app/var/uploads") for volume in web["volumes"])
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_readme_leads_with_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci/run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    assert "DATABASE_URL=" in ci and "postgres://" in ci and "REDIS_URL=" in ci


@pytest.mark.django_db
def test_seed_demo_writes_credentials_for_every_role(tmp_path):
    path = tmp_path / "credentials.json"
    call_command("seed_demo", credentials_json=path, stdout=open(os.devnull, "w"))
    entries = json.loads(path.read_text(encoding="utf-8"))
    roles = {entry["role"] for entry in entries}
    assert roles == {"municipality_staff", "municipality_manager", "prefecture_staff", "national_official", "vendor"}
    for entry in entries:
        assert set(entry) >= {"role", "organization", "username", "password"}
        needs_totp = entry["role"] in {"municipality_manager", "national_official"}
        assert ("totp_secret" in entry) is needs_totp
    municipalities = {e["organization"] for e in entries if e["role"].startswith("municipality")}
    assert {"205419", "202177", "313289"} <= municipalities
