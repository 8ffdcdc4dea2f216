"""Pages of the support network under /support/."""

from django.urls import URLPattern, URLResolver, path

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


# --- visits ---
urlpatterns += [
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit-record"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("visits/<int:pk>/activity/", views.visit_activity, name="visit-activity"),
    path("visits/<int:pk>/report.<str:fmt>", views.visit_report_download, name="visit-report"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit-photo"),
    path("visit-templates/", views.template_list, name="visit-templates"),
    path("visit-templates/<int:pk>/", views.template_detail, name="visit-template"),
    path("visit-templates/<int:pk>/copy/", views.template_copy, name="visit-template-copy"),
    path("visit-templates/<int:pk>/edit/", views.template_edit, name="visit-template-edit"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path(
        "recommendations/<int:pk>/answer/",
        views.recommendation_answer,
        name="recommendation-answer",
    ),
    path(
        "recommendations/<int:pk>/withdraw/",
        views.recommendation_withdraw,
        name="recommendation-withdraw",
    ),
    path(
        "recommendations/<int:pk>/activity/",
        views.recommendation_activity,
        name="recommendation-activity",
    ),
    path(
        "recommendations/<int:pk>/evidence/",
        views.recommendation_evidence,
        name="recommendation-evidence",
    ),
    path("activities/<int:pk>/visits/", views.activity_visits, name="activity-visits"),
]
