"""`/api/v1/subsidies/`."""

urlpatterns: list = []
