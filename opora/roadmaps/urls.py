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
