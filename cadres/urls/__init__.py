"""The cadres app's URLs, one module per area so each stays small."""

from cadres.urls import accounts, imports, notices, pages, privacy, units

urlpatterns = (pages.urlpatterns + units.urlpatterns + accounts.urlpatterns + imports.urlpatterns + notices.urlpatterns
               + privacy.urlpatterns)
