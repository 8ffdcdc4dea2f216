"""Pages of the support network under /support/."""

from django.urls import URLPattern, URLResolver, path

from opora.support import views

app_name = "support"

urlpatterns: list[URLPattern | URLResolver] = []

# --- engagement ---
urlpatterns += [
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation-new"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/take/", views.consultation_take, name="consultation-take"),
    path(
        "consultations/<int:pk>/schedule/",
        views.consultation_schedule,
        name="consultation-schedule",
    ),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="consultation-answer"),
    path(
        "consultations/<int:pk>/withdraw/",
        views.consultation_withdraw,
        name="consultation-withdraw",
    ),
    path("engagement/", views.engagement, name="engagement"),
    path("engagement/<int:school_pk>/escalate/", views.escalation_new, name="escalation-new"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation"),
    path("escalations/<int:pk>/answer/", views.escalation_answer, name="escalation-answer"),
]
