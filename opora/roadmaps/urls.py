from django.urls import path

from opora.roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path(
        "programmes/<int:programme_pk>/from-template/",
        views.roadmap_from_template,
        name="from-template",
    ),
    path("programmes/<int:programme_pk>/upload/", views.roadmap_upload, name="upload-file"),
    path("uploads/<int:pk>/", views.upload_preview, name="upload"),
    path("<int:pk>/", views.roadmap_detail, name="roadmap"),
    path("<int:pk>/export.<str:fmt>", views.roadmap_export, name="export"),
]

urlpatterns += [
    path("<int:pk>/do/<slug:name>/", views.roadmap_do, name="do"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("<int:pk>/activities/new/", views.activity_edit, name="activity-new"),
    path("<int:pk>/activities/<int:activity_pk>/", views.activity_edit, name="activity"),
    path("<int:pk>/changes/", views.roadmap_changes, name="changes"),
]

urlpatterns += [
    path("<int:pk>/activities/<int:activity_pk>/report/", views.activity_report, name="report"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("execution/", views.execution, name="execution"),
    path("calendar/", views.calendar_month, name="calendar"),
]

urlpatterns += [
    path(
        "programmes/<int:programme_pk>/dashboard/",
        views.programme_dashboard,
        name="dashboard",
    ),
]

urlpatterns += [
    path(
        "programmes/<int:programme_pk>/constructor/",
        views.constructor,
        name="constructor",
    ),
]
