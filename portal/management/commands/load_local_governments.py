from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.local_governments import LoadError, load_local_governments


class Command(BaseCommand):
    help = "全国の地方公共団体（47都道府県・1,741市区町村）と国の機関を読み込みます（何度実行しても同じ結果）。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_local_governments()
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"都道府県 {result.prefectures}、市区町村 {result.municipalities}、国の機関 {result.national} を読み込みました。"
            )
        )
