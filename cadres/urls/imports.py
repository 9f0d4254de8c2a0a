from django.urls import path

from cadres.views import imports

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/jobs/<int:job_id>/", imports.import_job_detail, name="import_job_detail"),
    path("imports/templates/<str:kind>.xlsx", imports.import_template, name="import_template"),
    path("imports/<slug:tenant_slug>/<str:code>/<str:kind>/", imports.import_upload, name="import_upload"),
    path("imports/<slug:tenant_slug>/<str:code>/<str:kind>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<slug:tenant_slug>/<str:code>/<str:kind>/export.xlsx", imports.import_export, name="import_export"),
]
