from django.urls import path

from opora.identification import views

app_name = "identification"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("runs/<int:pk>/chart/", views.run_chart, name="run-chart"),
    path("runs/<int:pk>/compare/", views.run_compare, name="run-compare"),
    path("runs/<int:pk>/export.<str:fmt>", views.run_export, name="run-export"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run-action"),
    path("methodologies/", views.methodology_list, name="methodologies"),
    path("methodologies/<int:pk>/", views.methodology_detail, name="methodology"),
    path("methodologies/<int:pk>/edit/", views.methodology_edit, name="methodology-edit"),
    # Official lists received from above, beside the computed ones.
    path("lists/", views.external_list_list, name="lists"),
    path("lists/<int:pk>/", views.external_list_detail, name="list"),
    path("lists/<int:pk>/export.xlsx", views.external_list_export, name="list-export"),
    path("lists/<int:pk>/delete/", views.external_list_delete, name="list-delete"),
    # «Качество методики»: a methodology's validity figures on a territory's data.
    path("quality/compare/", views.quality_compare, name="quality-compare"),
    path("quality/<int:pk>/", views.quality_detail, name="quality"),
    path("quality/<int:pk>/status/", views.quality_status, name="quality-status"),
    path("methodologies/<int:pk>/quality/", views.quality_new, name="quality-new"),
]
