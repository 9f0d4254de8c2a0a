from django.urls import path

from cadres.views import notices

urlpatterns = [
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:notice_id>/", notices.notice_open, name="notice_open"),
    path("notices/read-all/", notices.notices_read_all, name="notices_read_all"),
    path("me/notice-email/", notices.notice_email_choose, name="notice_email_choose"),
]
