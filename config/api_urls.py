"""The REST API: registry and identification endpoints, token, OpenAPI schema and its docs page."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from opora.core.auth import TokenObtainView
from opora.events.api import EventViewSet
from opora.governance.api import BodyViewSet, DecisionViewSet
from opora.identification.api import IdentificationRunViewSet, MethodologyViewSet
from opora.practices.api import PracticeViewSet
from opora.registry.api import (
    OrderViewSet,
    OrganizationViewSet,
    ProgrammeViewSet,
    SchoolViewSet,
    TerritoryViewSet,
)
from opora.support.api import (
    ConsultationViewSet,
    CuratorAssignmentViewSet,
    MentorPairViewSet,
    RecommendationViewSet,
    VisitViewSet,
)

router = DefaultRouter()
router.register("territories", TerritoryViewSet, basename="territory")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("schools", SchoolViewSet, basename="school")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("identification-runs", IdentificationRunViewSet, basename="identification-run")
router.register("methodologies", MethodologyViewSet, basename="methodology")
router.register("mentor-pairs", MentorPairViewSet, basename="mentor-pair")
router.register("curator-assignments", CuratorAssignmentViewSet, basename="curator-assignment")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("visits", VisitViewSet, basename="visit")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("events", EventViewSet, basename="event")
router.register("practices", PracticeViewSet, basename="practice")
router.register("bodies", BodyViewSet, basename="body")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("orders", OrderViewSet, basename="order")

urlpatterns: list[URLPattern | URLResolver] = [
    path("token/", TokenObtainView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script=), so the page
    # needs no inline script under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
