from django.urls import path

from opora.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
]

# --- region ---
urlpatterns += [
    path("region/", views.region, name="region"),
    path("region/<int:pk>/", views.region_territory, name="region-territory"),
]
