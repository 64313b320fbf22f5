from typing import Any

from django.conf import settings
from django.http import HttpRequest

DATA_ATTRIBUTION = (
    "出典：総務省 全国地方公共団体コード／デジタル庁 アドレス・ベース・レジストリ／内閣府 国民の祝日／"
    "総務省・デジタル庁 標準化進捗資料（加工して作成）"
)
MAP_ATTRIBUTION = (
    "出典：国土交通省 国土数値情報（行政区域データ）を加工して作成（smartnews-smri/japan-topography 経由）"
)


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "DATA_ATTRIBUTION": DATA_ATTRIBUTION,
        "PORTAL_REQUIRE_2FA": settings.PORTAL_REQUIRE_2FA,
    }
