"""Anonymous respondents' pages (no account needed): mounted at /s/."""

from django.urls import path

from opora.surveys import public

app_name = "survey_public"
urlpatterns = [
    path("<str:token>/", public.answer, name="answer"),
]
