"""/public/: the pages without an account, and the publication switches (logged in)."""

from django.urls import path

from opora.public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.authority, name="authority"),
    path("<int:pk>/events/", views.events, name="events"),
    path("<int:pk>/events.ics", views.events_ics, name="events-ics"),
    path("programme/<int:pk>/", views.programme, name="programme"),
    path("programme/<int:pk>/order/", views.programme_order_file, name="programme-order"),
    path("programme/<int:pk>/results/", views.results, name="results"),
    path(
        "programme/<int:pk>/data/<slug:name>-fields.csv",
        views.dataset_fields,
        name="dataset-fields",
    ),
    path("programme/<int:pk>/data/<slug:name>.csv", views.dataset, name="dataset"),
    path("widget/programme/<int:pk>/", views.widget, name="widget"),
    path("roadmap/<int:pk>/", views.roadmap, name="roadmap"),
    path("event/<int:pk>/", views.event, name="event"),
    path("event/<int:pk>/programme/", views.event_programme_file, name="event-programme"),
    path("practices/", views.practices, name="practices"),
    path("practice/<int:pk>/", views.practice, name="practice"),
    path("practice/material/<int:pk>/", views.practice_material, name="practice-material"),
    # Logged in: the switches.
    path(
        "manage/programme/<int:pk>/",
        views.programme_publication,
        name="programme-publication",
    ),
    path("manage/roadmap/<int:pk>/", views.roadmap_publication, name="roadmap-publication"),
]
