from django.urls import path

from opora.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/switch/", views.template_switch, name="template-switch"),
    path("templates/<int:pk>/file/", views.template_file, name="template-file"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/rebuild/", views.rebuild, name="rebuild"),
    path("<int:pk>/file.<str:extension>", views.file, name="file"),
]

# The regional page: the region's municipalities side by side, and one municipality.
urlpatterns += [
    path("region/", views.region, name="region"),
    path("region/<int:pk>/", views.region_territory, name="region-territory"),
]
