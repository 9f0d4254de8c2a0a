"""The evaluations app's URLs, one module per area so each stays small."""

from evaluations.urls import assessments, registrations

urlpatterns = registrations.urlpatterns + assessments.urlpatterns
