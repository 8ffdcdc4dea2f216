from django.urls import path

from opora.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("notifications/read/", views.notifications_read_all_view, name="notifications-read"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/restart/", views.job_restart_view, name="job-restart"),
    path("history/<int:content_type_id>/<str:pk>/", views.history, name="history"),
    path("imports/<str:key>/", views.import_start, name="import"),
    path("imports/<str:key>/template.xlsx", views.import_template, name="import-template"),
    path("imports/upload/<int:pk>/columns/", views.import_columns, name="import-columns"),
    path("imports/upload/<int:pk>/preview/", views.import_preview_view, name="import-preview"),
]
