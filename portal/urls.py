from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("manage/", views.manage, name="manage"),
]
