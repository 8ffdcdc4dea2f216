"""Pages of governance under /governance/."""

from django.urls import URLPattern, URLResolver, path

from opora.governance import views

app_name = "governance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("bodies/", views.body_list, name="bodies"),
    path("bodies/new/", views.body_edit, name="body-new"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body-edit"),
    path("bodies/<int:pk>/regulation/", views.body_regulation, name="body-regulation"),
    path("bodies/<int:pk>/composition/new/", views.composition_new, name="composition-new"),
    path(
        "bodies/<int:pk>/composition/approve/",
        views.composition_approve,
        name="composition-approve",
    ),
    path("bodies/<int:body_pk>/meetings/new/", views.meeting_edit, name="meeting-new"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/fail/", views.meeting_fail, name="meeting-fail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(
        "meetings/<int:pk>/minutes.<str:extension>",
        views.minutes_file,
        name="minutes-file",
    ),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision-done"),
    path("decisions/<int:pk>/cancel/", views.decision_cancel, name="decision-cancel"),
    path("decisions/<int:pk>/evidence/", views.decision_evidence, name="decision-evidence"),
    path(
        "activities/<int:activity_pk>/meetings/",
        views.activity_meetings,
        name="activity-meetings",
    ),
]
