"""Demo data for every app, on the real list of local governments. Deterministic and re-runnable."""

import importlib
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal import demo
from portal.local_governments import load_local_governments
from portal.models import Organization, OrganizationKind

# Each app may have a `demo.py` with `seed(*, scale, stdout)`; they run in this order.
APPS_WITH_DEMO_DATA = ["catalog", "subsidies", "procurement", "dashboards"]


class Command(BaseCommand):
    help = "デモ用のデータとログインを作成します（何度実行しても同じ結果）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument("--credentials-json", type=Path, help="ログイン情報をJSONで書き出すファイル")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count() < 1741:
            self.stdout.write("全国の地方公共団体を読み込みます…")
            load_local_governments()
        credentials = demo.seed()
        for app in APPS_WITH_DEMO_DATA:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            self.stdout.write(f"{app}: デモデータを作成します…")
            app_started = time.monotonic()
            module.seed(scale=options["scale"], stdout=self.stdout)
            self.stdout.write(f"  {app}: {time.monotonic() - app_started:.1f}秒")
        if options["credentials_json"]:
            options["credentials_json"].write_text(
                json.dumps(credentials, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        self.stdout.write(self.style.SUCCESS(f"デモデータを作成しました（{time.monotonic() - started:.1f}秒）。"))
        self.stdout.write(f"\nデモ用ログイン（パスワードはすべて {demo.DEMO_PASSWORD}）:")
        for entry in credentials:
            otp = f"  TOTP秘密鍵 {entry['totp_secret']}" if "totp_secret" in entry else ""
            self.stdout.write(f"  {entry['role']:<22} {entry['organization']:<14} {entry['username']:<20}{otp}")
