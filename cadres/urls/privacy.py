from django.urls import path

from cadres.views import privacy

urlpatterns = [
    path("me/access-log/", privacy.my_access_log, name="my_access_log"),
    path("units/<slug:tenant_slug>/<str:code>/access-log/", privacy.unit_access_log, name="unit_access_log"),
]
