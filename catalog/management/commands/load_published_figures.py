"""Load the published progress rates and the 特定移行支援システム list, and derive migration statuses."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.published import DESIGNATED_CSV, PROGRESS_CSV, PublishedLoadError, load_published_figures


class Command(BaseCommand):
    help = (
        "公表値（標準化の進捗・特定移行支援システム）を読み込み、各団体の進捗を導出します（何度実行しても同じ結果）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--progress", type=Path, default=PROGRESS_CSV, help="完了率のCSV")
        parser.add_argument("--designated", type=Path, default=DESIGNATED_CSV, help="特定移行支援システムのCSV")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = load_published_figures(progress_path=options["progress"], designated_path=options["designated"])
        except (PublishedLoadError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"完了率 {result.rates:,}件、特定移行支援システム {result.designated_systems:,}件を読み込みました。"
                f"進捗: 新規 {result.statuses_created:,}件、更新 {result.statuses_updated:,}件、"
                f"団体の報告を維持 {result.statuses_kept_reported:,}件（{time.monotonic() - started:.1f}秒）。"
            )
        )
