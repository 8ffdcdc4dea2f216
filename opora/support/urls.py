"""Pages of the support network under /support/."""

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _

from opora.support import views

app_name = "support"

urlpatterns: list[URLPattern | URLResolver] = [
    # --- network ---
    path("", views.index, name="index"),
    path("curators/", views.curators, name="curators"),
    path("curators/<int:pk>/end/", views.curator_assignment_end, name="curator-assignment-end"),
    path("mentors/", views.mentors, name="mentors"),
    path("mentors/<int:pk>/end/", views.mentor_pair_end, name="mentor-pair-end"),
    path("schools/<int:school_pk>/mentors/", views.mentor_recommend, name="mentor-recommend"),
    path(
        "schools/<int:school_pk>/mentors/new/", views.mentor_pair_create, name="mentor-pair-create"
    ),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement-file"),
    # Sections other parts of the support app fill; the landing links to them already.
    path("visits/", views.upcoming, {"title": _("Выезды")}, name="visits"),
    path("recommendations/", views.upcoming, {"title": _("Рекомендации")}, name="recommendations"),
]

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
