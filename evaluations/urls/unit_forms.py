"""A unit's forms under unit-subject programmes: the Bí thư's page, each form and its PDF."""

from django.urls import path

from evaluations.views import unit_forms

urlpatterns = [
    path("unit-forms/", unit_forms.unit_form_list, name="unit_form_list"),
    path("unit-forms/registrations/start/", unit_forms.unit_registration_create, name="unit_registration_create"),
    path("unit-forms/registrations/<int:pk>/", unit_forms.unit_registration_detail, name="unit_registration_detail"),
    path("unit-forms/registrations/<int:pk>/pdf/", unit_forms.unit_registration_pdf, name="unit_registration_pdf"),
    path("unit-forms/assessments/<int:pk>/", unit_forms.unit_assessment_detail, name="unit_assessment_detail"),
    path("unit-forms/assessments/<int:pk>/pdf/", unit_forms.unit_assessment_pdf, name="unit_assessment_pdf"),
]
