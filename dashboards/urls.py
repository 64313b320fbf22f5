from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_index, name="index"),
    path("<slug:name>.csv", views.dashboard_csv, name="csv"),
    path("<slug:name>/", views.dashboard_detail, name="detail"),
]
