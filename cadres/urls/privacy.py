from django.urls import path

from cadres.views import privacy

urlpatterns = [
    path("me/access-log/", privacy.my_access_log, name="my_access_log"),
    path("units/<slug:tenant_slug>/<str:code>/access-log/", privacy.unit_access_log, name="unit_access_log"),
    path("me/data-requests/", privacy.my_data_requests, name="my_data_requests"),
    path("data-requests/<int:pk>/", privacy.data_request_detail, name="data_request_detail"),
    path("data-requests/<int:pk>/answer/", privacy.data_request_answer, name="data_request_answer"),
    path("data-requests/<int:pk>/decide/", privacy.data_request_decide, name="data_request_decide"),
    path("privacy/", privacy.privacy_notice, name="privacy_notice"),
    path("me/consent/withdraw/", privacy.consent_withdraw, name="consent_withdraw"),
]
