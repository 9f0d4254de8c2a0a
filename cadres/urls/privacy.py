from django.urls import path

from cadres.views import breaches, privacy

urlpatterns = [
    path("me/access-log/", privacy.my_access_log, name="my_access_log"),
    path("units/<slug:tenant_slug>/<str:code>/access-log/", privacy.unit_access_log, name="unit_access_log"),
    path("me/data-requests/", privacy.my_data_requests, name="my_data_requests"),
    path("data-requests/<int:pk>/", privacy.data_request_detail, name="data_request_detail"),
    path("data-requests/<int:pk>/answer/", privacy.data_request_answer, name="data_request_answer"),
    path("data-requests/<int:pk>/decide/", privacy.data_request_decide, name="data_request_decide"),
    path("privacy/", privacy.privacy_notice, name="privacy_notice"),
    path("me/consent/withdraw/", privacy.consent_withdraw, name="consent_withdraw"),
    path("breaches/<slug:tenant_slug>/", breaches.breach_list, name="breach_list"),
    path("breaches/record/<int:pk>/", breaches.breach_detail, name="breach_detail"),
    path("breaches/record/<int:pk>/pdf/", breaches.breach_pdf, name="breach_pdf"),
]
