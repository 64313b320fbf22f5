"""`/api/v1/procurement/`."""

urlpatterns: list = []
