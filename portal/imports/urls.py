from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/status.json", views.record_status, name="record-status"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/confirm/", views.confirm, name="confirm"),
    path("<slug:kind>/template.<str:fmt>", views.template_download, name="template"),
]
