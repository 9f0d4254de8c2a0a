from django.urls import path

from cadres.views import pages

urlpatterns = [
    path("me/", pages.my_profile, name="my_profile"),
    path("units/", pages.unit_list, name="unit_list"),
    path("units/suggest/", pages.unit_suggest, name="unit_suggest"),
    path("units/<slug:tenant_slug>/<str:code>/", pages.unit_detail, name="unit_detail"),
    path("units/<slug:tenant_slug>/<str:code>/children/", pages.unit_children, name="unit_children"),
    path("units/<slug:tenant_slug>/<str:code>/cadres/", pages.unit_cadres, name="unit_cadres"),
    path("cadres/<int:cadre_id>/", pages.cadre_detail, name="cadre_detail"),
]
