from django.urls import path

from .views import claims, documents, results

app_name = "subsidies"

urlpatterns = [
    path("", claims.claim_list, name="index"),
    path("claims/", claims.claim_list, name="claim-list"),
    path("claims/export/", claims.claim_export, name="claim-export"),
    path("claims/new/", claims.claim_new, name="claim-new"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/transition/", claims.claim_transition, name="claim-transition"),
    path("claims/<int:pk>/report/", claims.claim_report, name="claim-report"),
    path("claims/<int:pk>/notice/", documents.decision_notice, name="claim-notice"),
    path("claims/<int:pk>/attachments/", documents.attachment_upload, name="attachment-upload"),
    path("claims/<int:pk>/result/", results.result_publish, name="result-publish"),
    path("claims/<int:pk>/plan/", results.plan_save, name="plan-save"),
    path("attachments/<int:pk>/", documents.attachment_download, name="attachment-download"),
    path("results/", results.result_list, name="result-list"),
    path("results/<int:pk>/", results.result_detail, name="result-detail"),
    path("score/", results.score_helper, name="score"),
]
