from django.urls import path

from opora.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/template/", views.template_install, name="template"),
    path("programmes/<int:pk>/indicators/new/", views.indicator_add, name="indicator-add"),
    path("programmes/<int:pk>/checkpoints/new/", views.checkpoint_new, name="checkpoint-new"),
    path("programmes/<int:pk>/schools/<int:school_pk>/", views.school, name="school"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator"),
    path("checkpoints/<int:pk>/", views.checkpoint, name="checkpoint"),
    path("checkpoints/<int:pk>/refresh/", views.checkpoint_refresh, name="checkpoint-refresh"),
    path("checkpoints/<int:pk>/accept/", views.checkpoint_accept, name="checkpoint-accept"),
    path("checkpoints/<int:pk>/export.xlsx", views.checkpoint_export, name="checkpoint-export"),
    path("checkpoints/<int:pk>/schools/<int:school_pk>/", views.submission, name="form"),
    path(
        "checkpoints/<int:pk>/schools/<int:school_pk>/<slug:name>/",
        views.submission_do,
        name="form-do",
    ),
    path("confirmations/<int:pk>/", views.confirmation_download, name="confirmation"),
]
