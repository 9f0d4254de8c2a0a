from django.urls import path

from portal import offline, views

urlpatterns = [
    path("sw.js", offline.service_worker, name="service_worker"),
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("manage/", views.manage, name="manage"),
    path("help/", views.help_index, name="help"),
    path("help/<slug:role>/", views.help_page, name="help_page"),
    path("units/<slug:tenant_slug>/<str:code>/audit/", views.unit_audit, name="unit_audit"),
    path("units/<slug:tenant_slug>/<str:code>/audit.xlsx", views.unit_audit, {"export": True}, name="unit_audit_export"),
    path("cadres/<int:cadre_id>/audit/", views.cadre_audit, name="cadre_audit"),
    path("cadres/<int:cadre_id>/audit.xlsx", views.cadre_audit, {"export": True}, name="cadre_audit_export"),
]
