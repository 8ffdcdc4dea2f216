from django.urls import path

from opora.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("teachers/", views.teachers, name="teachers"),
    path("schools/<int:school_pk>/teachers/new/", views.teacher_new, name="teacher-new"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher"),
    path("teachers/<int:pk>/edit/", views.teacher_edit, name="teacher-edit"),
    path("teachers/<int:teacher_pk>/plans/new/", views.plan_new, name="plan-new"),
    path("diagnostics/", views.diagnostics, name="diagnostics"),
    path("map/", views.deficit_map, name="map"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_edit, name="course-new"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("plans/", views.plans, name="plans"),
    path("plans/overdue/", views.overdue, name="overdue"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/items/", views.item_add, name="item-add"),
    path("items/<int:pk>/complete/", views.item_complete, name="item-complete"),
    path("items/<int:pk>/status/", views.item_status, name="item-status"),
    path("items/<int:pk>/certificate/", views.certificate, name="certificate"),
]
