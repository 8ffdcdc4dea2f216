urlpatterns = []
app_name = "registry"
