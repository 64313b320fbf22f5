"""`/api/v1/dashboards/`."""

urlpatterns: list = []
