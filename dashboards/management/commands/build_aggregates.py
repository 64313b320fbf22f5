"""`manage.py build_aggregates [--date YYYY-MM-DD] [--metric NAME]`: the nightly build, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from portal.japanese import parse_date

from ... import metrics
from ...services import aggregates_build


class Command(BaseCommand):
    help = "ダッシュボードの集計を作り直します（夜間の集計と同じ処理。何度実行しても同じ結果）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="集計対象日（YYYY-MM-DD または 和暦。省略時は今日）")
        parser.add_argument("--metric", help="この指標だけを集計する（例：migration_progress）")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        metrics.load_all()
        try:
            period = parse_date(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日付を読み取れません：{options['date']}（{exc}）") from exc
        names = [options["metric"]] if options["metric"] else sorted(metrics.METRICS)
        unknown = [n for n in names if n not in metrics.METRICS]
        if unknown:
            raise CommandError(
                f"未登録の指標です：{', '.join(unknown)}（登録済み：{', '.join(sorted(metrics.METRICS))}）"
            )
        for name in names:
            with tqdm(desc=name, unit="行", file=self.stderr) as bar:
                build = aggregates_build(metric=name, period=period, on_progress=bar.update)
            self.stdout.write(f"{name}: {build.period} {build.rows_written:,} 行")
        self.stdout.write(self.style.SUCCESS("集計が完了しました。"))
