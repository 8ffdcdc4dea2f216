from django.urls import path

from opora.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.programme, name="programme"),
    path("<int:pk>/run/", views.programme_run, name="programme-run"),
]
