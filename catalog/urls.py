from django.urls import path

from .views import adoptions, browse, entries, migration, offerings

app_name = "catalog"

urlpatterns = [
    path("", browse.system_list, name="systems"),
    path("patterns/", browse.pattern_table, name="patterns"),
    path("systems/new/", entries.system_edit, name="system-new"),
    path("systems/<slug:slug>/", browse.system_detail, name="system"),
    path("systems/<slug:slug>/edit/", entries.system_edit, name="system-edit"),
    path("systems/<slug:slug>/offerings/new/", offerings.offering_propose, name="offering-propose"),
    path("compare/", browse.compare, name="compare"),
    path("offerings/", offerings.offering_queue, name="offerings"),
    path("offerings/<slug:slug>/review/", offerings.offering_review, name="offering-review"),
    path("offerings/<slug:slug>/edit/", entries.offering_edit, name="offering-edit"),
    path("adoptions/", adoptions.adoption_list, name="adoptions"),
    path("adoptions/<int:pk>/delete/", adoptions.adoption_delete, name="adoption-delete"),
    path("migration/", migration.my_migration, name="my-migration"),
    path("migration/<str:code>/", migration.migration_status, name="migration"),
    path("migration/<str:code>/steps/<slug:business>/", migration.step_progress, name="steps"),
]
