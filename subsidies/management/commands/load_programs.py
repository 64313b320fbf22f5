from typing import Any

from django.core.management.base import BaseCommand

from subsidies.programs import load_programs


class Command(BaseCommand):
    help = "補助事業（標準準拠システム移行経費補助、デジ田交付金 TYPE1/2/3/S）を登録・更新します（何度実行しても同じ結果）。"

    def handle(self, *args: Any, **options: Any) -> None:
        programs = load_programs()
        self.stdout.write(self.style.SUCCESS(f"補助事業 {len(programs)} 件を登録しました。"))
