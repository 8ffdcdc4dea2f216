from django.urls import path

from opora.results import views

app_name = "results"

urlpatterns = [path("", views.data_overview, name="data")]
