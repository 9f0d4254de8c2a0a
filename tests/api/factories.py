"""API clients for tests, made through the service as the system (as the command does)."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from api.models import ApiClient, ApiScope
from api.services import api_client_create, api_client_revoke
from cadres.actors import SYSTEM
from cadres.models import Unit

ALL_READ = [ApiScope.UNITS_READ, ApiScope.CADRES_READ, ApiScope.FORMS_READ, ApiScope.FIGURES_READ]


def api_client(unit: Unit, scopes: list[str] | None = None, *, expired: bool = False,
               revoked: bool = False, name: str = "Hệ thống quản lý đoàn viên") -> tuple[ApiClient, str]:
    with scopes_disabled():
        client, token = api_client_create(unit=unit, name=name, scopes=scopes or ALL_READ,
                                          expires_at=timezone.now() + datetime.timedelta(days=30), acting_user=SYSTEM)
        if expired:
            ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        if revoked:
            api_client_revoke(client=client, acting_user=SYSTEM)
    return client, token


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
