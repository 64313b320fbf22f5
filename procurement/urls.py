from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("", views.register_list, name="register"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.procurement_new, name="new"),
    path("share-preview/", views.share_preview, name="share-preview"),
    path("<int:pk>/", views.procurement_detail, name="detail"),
    path("<int:pk>/edit/", views.procurement_edit, name="edit"),
    path("<int:pk>/answer/", views.procurement_answer, name="answer"),
    path("<int:pk>/transitions/", views.procurement_transition, name="transition"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
]
