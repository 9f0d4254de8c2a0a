"""The evaluations app's URLs, one module per area so each stays small."""

from evaluations.urls import assessments, registrations, unit_forms

urlpatterns = registrations.urlpatterns + assessments.urlpatterns + unit_forms.urlpatterns
