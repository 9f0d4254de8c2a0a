from django.urls import path

from cadres.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
]
