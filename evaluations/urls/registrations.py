"""a1 ĐKCT01 registration pages, the review queue, cycle administration and the per-form PDFs."""

from django.urls import path

from evaluations.views import cycles, drafts, my_data, pdf, registrations

UNIT = "<slug:tenant_slug>/<str:code>"

urlpatterns = [
    path("registrations/", registrations.registration_list, name="registration_list"),
    path("registrations/start/<int:programme_id>/", registrations.registration_start, name="registration_start"),
    path("registrations/<int:pk>/", registrations.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/edit/", registrations.registration_edit, name="registration_edit"),
    path("registrations/<int:pk>/autosave/", drafts.draft_autosave, {"kind": "registration"},
         name="registration_autosave"),
    path("registrations/<int:pk>/submit/", registrations.registration_submit, name="registration_submit"),
    path("registrations/<int:pk>/amend/", registrations.registration_amend, name="registration_amend"),
    path("registrations/<int:pk>/approve/", registrations.registration_approve, name="registration_approve"),
    path("registrations/<int:pk>/return/", registrations.registration_return, name="registration_return"),
    path("registrations/<int:pk>/pdf/", pdf.registration_pdf, name="registration_pdf"),
    path("self-assessments/<int:pk>/pdf/", pdf.self_assessment_pdf, name="self_assessment_pdf"),
    path("review/", registrations.review_queue, name="review_queue"),
    # "Tải dữ liệu của tôi": everything held about the cadre (Law 91/2025/QH15).
    path("my-data.json", my_data.my_data_json, name="my_data_json"),
    path("my-data.pdf", my_data.my_data_pdf, name="my_data_pdf"),
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/<slug:tenant_slug>/open/", cycles.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/close/", cycles.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/reopen/", cycles.cycle_reopen, name="cycle_reopen"),
    path(f"cycles/<int:pk>/units/{UNIT}/", cycles.cycle_unit, name="cycle_unit"),
    path(f"cycles/<int:pk>/units/{UNIT}/deadline/", cycles.cycle_deadline_set, name="cycle_deadline_set"),
    path(f"cycles/<int:pk>/units/{UNIT}/extension/", cycles.deadline_extension_grant,
         name="deadline_extension_grant"),
]
