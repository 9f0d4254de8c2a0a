from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import imports, resources, views
from api.base import not_found

router = SimpleRouter()
router.register("units", resources.UnitViewSet, basename="api_units")
router.register("cadres", resources.CadreViewSet, basename="api_cadres")
router.register("programmes", resources.ProgrammeViewSet, basename="api_programmes")
router.register("registrations", resources.RegistrationViewSet, basename="api_registrations")
router.register("self-assessments", resources.SelfAssessmentViewSet, basename="api_self_assessments")
router.register("cycles", resources.CycleViewSet, basename="api_cycles")

api_v1 = [
    *router.urls,
    path("cycles/<str:year>/units/<str:code>/figures/", resources.CycleViewSet.as_view({"get": "figures"}),
         name="api_cycle_figures"),
    path("imports/<str:kind>/preview/", imports.ImportViewSet.as_view({"post": "preview"}), name="api_import_preview"),
    path("imports/<str:kind>/confirm/", imports.ImportJobViewSet.as_view({"post": "confirm"}),
         name="api_import_confirm"),
    re_path(r"^imports/jobs/(?P<pk>[0-9]{1,12})/\Z", imports.ImportJobViewSet.as_view({"get": "retrieve"}),
            name="api_import_job"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    # Anything else under /api/v1/ is a problem document too, not the site's HTML 404.
    re_path(r"^[\s\S]*\Z", not_found, name="api_not_found"),
]

# The managers' pages.
pages = [
    path("units/<slug:tenant_slug>/<str:code>/api-clients/", views.api_clients, name="api_clients"),
    path("units/<slug:tenant_slug>/<str:code>/api-clients/<int:client_id>/rotate/", views.api_client_action,
         {"action": "rotate"}, name="api_client_rotate"),
    path("units/<slug:tenant_slug>/<str:code>/api-clients/<int:client_id>/revoke/", views.api_client_action,
         {"action": "revoke"}, name="api_client_revoke"),
]
