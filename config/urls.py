"""Top-level URLs: the UI by capability, the API with its schema, auth, and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from opora.core.auth import admin_login

urlpatterns = [
    path("", include("opora.core.urls")),
    path("registry/", include("opora.registry.urls")),
    path("identification/data/", include("opora.results.urls")),
    path("identification/", include("opora.identification.urls")),
    path("roadmaps/", include("opora.roadmaps.urls")),
    path("monitoring/surveys/", include("opora.surveys.urls")),
    path("monitoring/staff/", include("opora.staff.urls")),
    path("monitoring/", include("opora.monitoring.urls")),
    path("support/", include("opora.support.urls")),
    path("events/", include("opora.events.urls")),
    path("practices/", include("opora.practices.urls")),
    path("governance/", include("opora.governance.urls")),
    path("reports/effectiveness/", include("opora.evaluation.urls")),
    path("reports/", include("opora.reports.urls")),
    path("users/", include("opora.accounts.urls")),
    # Survey links for respondents without an account: short, since they are sent out.
    path("s/", include("opora.surveys.public_urls")),
    # The authority's public site: published, aggregated data for parents and the press.
    path("public/", include("opora.public.urls")),
    path("api/", include("config.api_urls")),
    # One login form for everyone: superusers sign in on Opora's page, then open the admin.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

# Login, logout and password change with Opora's Russian templates (registration/*.html).
urlpatterns += [path("accounts/", include("django.contrib.auth.urls"))]

if settings.OPORA_BENCH_TRIVIAL:
    # The load bench's floor (opora bench load): only on the bench's own server.
    from opora.core.views import bench_trivial

    urlpatterns += [path("bench/trivial/", bench_trivial, name="bench-trivial")]

# Russian error pages (templates 400/403/404/500.html in opora/core/templates); 400 and 500
# are rendered without the request or the database, the 500 page shows the request id.
handler400 = "opora.core.errors.bad_request"
handler500 = "opora.core.errors.server_error"
