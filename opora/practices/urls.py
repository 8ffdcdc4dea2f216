from django.urls import path

from opora.practices import views

app_name = "practices"

# --- The bank: practices, reviews, collections ---
urlpatterns = [
    path("", views.practice_list, name="index"),
    path("new/", views.practice_create, name="create"),
    path("<int:pk>/", views.practice_detail, name="practice"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/submit/", views.practice_submit, name="submit"),
    path("<int:pk>/review/", views.practice_review, name="review"),
    path("<int:pk>/publish/", views.practice_publish, name="publish"),
    path("<int:pk>/archive/", views.practice_archive, name="archive"),
    path("<int:pk>/version/", views.practice_version, name="version"),
    path("<int:pk>/materials/", views.material_add, name="material-add"),
    path("materials/<int:pk>/", views.material_file, name="material"),
    path("materials/<int:pk>/remove/", views.material_remove, name="material-remove"),
    path("criteria/", views.criterion_list, name="criteria"),
    path("collections/", views.collection_list, name="collections"),
    path("collections/new/", views.collection_create, name="collection-create"),
    path("collections/<int:pk>/", views.collection_detail, name="collection"),
    path("collections/<int:pk>/change/", views.collection_change, name="collection-change"),
    path(
        "collections/<int:pk>/atlas.<str:extension>",
        views.collection_atlas,
        name="atlas",
    ),
    # --- Evidence of effect, adoption, the constructor's proposals ---
    path("<int:pk>/adopt/", views.practice_adopt, name="adopt"),
]
