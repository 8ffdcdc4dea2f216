"""Anonymous respondents' pages (no account needed): mounted at /s/."""

from django.urls import path

from opora.surveys import public

app_name = "survey_public"
urlpatterns = [
    # The address printed on the slips with one-time codes: the code alone opens the form.
    path("", public.enter, name="enter"),
    path("<str:token>/", public.answer, name="answer"),
]
