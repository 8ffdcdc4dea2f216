from django.urls import path

from opora.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
]
