"""The REST API: registry and identification endpoints, token, OpenAPI schema and its docs page."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from opora.identification.api import IdentificationRunViewSet, MethodologyViewSet
from opora.registry.api import (
    OrganizationViewSet,
    ProgrammeViewSet,
    SchoolViewSet,
    TerritoryViewSet,
)

router = DefaultRouter()
router.register("territories", TerritoryViewSet, basename="territory")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("schools", SchoolViewSet, basename="school")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("identification-runs", IdentificationRunViewSet, basename="identification-run")
router.register("methodologies", MethodologyViewSet, basename="methodology")

urlpatterns: list[URLPattern | URLResolver] = [
    path("token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
