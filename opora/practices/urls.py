from django.urls import path

from opora.practices import views

app_name = "practices"
urlpatterns = [
    # --- bank ---
    # --- effect ---
    path("<int:pk>/effect/", views.practice_effect, name="effect"),
    path("<int:pk>/adopt/", views.practice_adopt, name="adopt"),
]
