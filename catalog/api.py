"""`/api/v1/catalog/`."""

urlpatterns: list = []
