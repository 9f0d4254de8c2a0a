from django.urls import path

from cadres.views import accounts

urlpatterns = [
    path("join/", accounts.join, name="join"),
    path("join/register/", accounts.join_register, name="join_register"),
    path("join-requests/", accounts.join_request_list, name="join_request_list"),
    path("join-requests/<int:request_id>/approve/", accounts.join_request_decide, {"approve": True},
         name="join_request_approve"),
    path("join-requests/<int:request_id>/reject/", accounts.join_request_decide, {"approve": False},
         name="join_request_reject"),
    path("units/<slug:tenant_slug>/<str:code>/join-code/", accounts.unit_join_code, name="unit_join_code"),
    path("units/<slug:tenant_slug>/<str:code>/invite/", accounts.unit_invite, name="unit_invite"),
    path("cadres/<int:cadre_id>/invite/", accounts.cadre_invite, name="cadre_invite"),
]
