from django.urls import path

from cadres.views import units

urlpatterns = [
    path("units/<slug:tenant_slug>/<str:code>/new/", units.unit_new, name="unit_new"),
    path("units/<slug:tenant_slug>/<str:code>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<slug:tenant_slug>/<str:code>/move/", units.unit_move, name="unit_move"),
    path("units/<slug:tenant_slug>/<str:code>/merge/", units.unit_merge, name="unit_merge"),
    path("units/<slug:tenant_slug>/<str:code>/split/", units.unit_split, name="unit_split"),
    path("units/<slug:tenant_slug>/<str:code>/archive/", units.unit_archive, name="unit_archive"),
]
