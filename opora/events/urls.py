from django.urls import path

from opora.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="index"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("calendar/subscribe/", views.feed_create, name="feed-create"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/programme/", views.event_programme, name="programme"),
    path("<int:pk>/register/", views.event_register, name="register"),
    path("<int:pk>/nominate/", views.event_nominate, name="nominate"),
    path("<int:pk>/attendance/", views.event_attendance, name="attendance"),
    path("<int:pk>/attendance/import/", views.event_attendance_import, name="attendance-import"),
    path("<int:pk>/materials/", views.material_add, name="material-add"),
    path("<int:pk>/feedback/", views.feedback_open, name="feedback"),
    path("<int:pk>/certificates/", views.certificates_start, name="certificates"),
    path("<int:pk>/certificates.zip", views.certificates_zip, name="certificates-zip"),
    path("materials/<int:pk>/", views.material_file, name="material"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("registrations/<int:pk>/certificate/", views.certificate_download, name="certificate"),
]
