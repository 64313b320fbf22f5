from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "共通化システムカタログ"

    def ready(self) -> None:
        from . import freshness

        freshness.connect()
