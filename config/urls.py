from django.contrib import admin
from django.urls import include, path

import api.urls
from cadres.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("platform-admin/", admin.site.urls),
    path("api/v1/", include(api.urls.api_v1)),
    path("", include(api.urls.pages)),
    path("programmes/", include("models_registry.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("reports/", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("cadres.urls")),
]
# Uploaded files (photos, evidence, reports) are never served at MEDIA_URL, not even with
# DEBUG: only through the views that check who may read them.
