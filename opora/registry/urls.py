from django.urls import path, register_converter

from opora.core.cards import SCHOOL_TABS
from opora.registry import views


class SchoolTabConverter:
    """A tab of the school card but the first, whose address is the card's own: one address
    per tab, any other word is not found."""

    regex = "|".join(tab.key for tab in SCHOOL_TABS[1:])

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SchoolTabConverter, "school_tab")

app_name = "registry"

urlpatterns = [
    path("", views.school_list, name="index"),
    path("schools/", views.school_list, name="schools"),
    path("schools/new/", views.school_create, name="school-create"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school-edit"),
    path("schools/<int:pk>/<school_tab:tab>/", views.school_detail, name="school-tab"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("territories/", views.territory_list, name="territories"),
    path("territories/<int:pk>/", views.territory_detail, name="territory"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/approve/", views.programme_approve, name="programme-approve"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_create, name="order-create"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/draft.docx", views.order_draft_download, name="order-draft"),
    path("orders/<int:pk>/file/", views.order_file, name="order-file"),
    path("orders/<int:pk>/register/", views.order_register, name="order-register"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
]
