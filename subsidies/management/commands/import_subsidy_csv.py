import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.models import User
from subsidies.imports import KINDS, import_csv


class Command(BaseCommand):
    help = "補助上限額（caps）または年度予算（budgets）のCSVを取り込みます。1行でも誤りがあれば何も変更しません。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="取り込む職員のユーザー名（所管府省の職員）")
        parser.add_argument("--dry-run", action="store_true", help="確認のみ（変更しません）")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"利用者 {options['username']} が見つかりません。")
        result = import_csv(
            kind=options["kind"], data=options["file"].read_bytes(), actor=actor, dry_run=options["dry_run"]
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        if result.errors:
            raise CommandError("誤りのある行があるため、何も変更していません。")
