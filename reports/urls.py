"""The reports pages, mounted at /reports/. Fixed prefixes come before the unit patterns
(`<tenant>/<code>/`) so that "files/12/" is never read as a unit."""

from django.urls import path

from reports.views import dashboard, files, unit_reports

urlpatterns = [
    path("", dashboard.reports_dashboard, name="reports_dashboard"),
    path("files/<int:pk>/", files.report_file_detail, name="report_file_detail"),
    path("files/<int:pk>/download/", files.report_file_download, name="report_file_download"),
    path("report/<int:pk>/edit/", unit_reports.unit_report_edit, name="unit_report_edit"),
    path("report/<int:pk>/accept/", unit_reports.unit_report_accept, name="unit_report_accept"),
    path("report/<int:pk>/return/", unit_reports.unit_report_return, name="unit_report_return"),
    path("<slug:tenant_slug>/<str:code>/", dashboard.reports_unit_dashboard, name="reports_unit_dashboard"),
    path("<slug:tenant_slug>/<str:code>/unregistered/", dashboard.reports_unregistered, name="reports_unregistered"),
    path("<slug:tenant_slug>/<str:code>/unregistered/remind/", dashboard.reports_unregistered_nudge,
         name="reports_unregistered_nudge"),
    path("<slug:tenant_slug>/<str:code>/report/", unit_reports.unit_report, name="unit_report"),
    path("<slug:tenant_slug>/<str:code>/report/start/", unit_reports.unit_report_start, name="unit_report_start"),
    path("<slug:tenant_slug>/<str:code>/files/", files.report_file_request, name="report_file_request"),
]
