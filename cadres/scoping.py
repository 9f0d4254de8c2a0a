"""Managers that scope a model's queries to the active tenant (django-scopes).

`django_scopes.ScopedManager()` builds its manager class inside a function, where mypy's Django
plugin cannot find it, so `Model.objects` and every reverse relation would lose their types.
`scoped_by_tenant()` returns that same class, and each manager here subclasses it under a name
the plugin resolves; `TenantScoped` tells mypy what django-scopes adds.
"""

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django_scopes import ScopedManager

_M = TypeVar("_M", bound=models.Model)


def scoped_by_tenant(manager_class: type[models.Manager[Any]]) -> type[models.Manager[Any]]:
    """`manager_class`, its querysets filtered by the tenant of the active `scope(tenant=...)`:
    outside a scope they raise, unless the manager was taken `with_scopes_disabled()`."""
    return type(ScopedManager(tenant="tenant", _manager_class=manager_class))


if TYPE_CHECKING:

    class TenantScoped(models.Manager[_M]):
        def with_scope(self, **scope: Any) -> Self: ...
        def with_scopes_disabled(self) -> Self: ...

    class TenantManager(TenantScoped[_M]): ...

else:

    class TenantManager(scoped_by_tenant(models.Manager)):
        pass
