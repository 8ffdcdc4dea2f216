from django.urls import path

from opora.support import views

app_name = "support"

urlpatterns: list = []

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
