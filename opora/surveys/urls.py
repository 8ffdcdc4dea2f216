from django.urls import path

from opora.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire-new"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire-edit"),
    path("questionnaires/<int:pk>/copy/", views.questionnaire_copy, name="questionnaire-copy"),
    path("questionnaires/<int:pk>/sections/", views.section_add, name="section-add"),
    path(
        "questionnaires/<int:pk>/sections/<int:section_pk>/delete/",
        views.section_delete,
        name="section-delete",
    ),
    path("questionnaires/<int:pk>/questions/new/", views.question_edit, name="question-new"),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/",
        views.question_edit,
        name="question",
    ),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("questionnaires/<int:pk>/scoring/", views.scoring_edit, name="scoring"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/dates/", views.round_dates, name="round-dates"),
    path("rounds/<int:pk>/links.<str:fmt>", views.round_links_export, name="round-links-export"),
    path("rounds/<int:pk>/results/", views.round_results, name="round-results"),
    path(
        "rounds/<int:pk>/results/<int:questionnaire_pk>/",
        views.round_rollup,
        name="round-rollup",
    ),
    path("rounds/<int:pk>/results.xlsx", views.round_export, name="round-export"),
    path("rounds/<int:pk>/profiles/", views.round_profiles, name="round-profiles"),
    path("links/<int:pk>/", views.link_results, name="link-results"),
    path("links/<int:pk>/access/", views.link_access, name="link-access"),
    path("links/<int:pk>/codes/", views.link_codes, name="link-codes"),
    path("links/<int:pk>/codes/print/", views.link_codes_print, name="link-codes-print"),
    path("schools/<int:school_pk>/profile/", views.profile_enter, name="profile-enter"),
    path("schools/<int:school_pk>/profile/compute/", views.profile_compute, name="profile-compute"),
]
