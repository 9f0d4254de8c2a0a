"""What the reports commands share: finding the tenant, the cycle and a unit by their
public names, with a clear Vietnamese error for each thing not found."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from cadres.models import Tenant, Unit
from evaluations.models import Cycle


def find_tenant(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise CommandError(_("No province with the slug “%(slug)s”.") % {"slug": slug})
    return tenant


def find_cycle(tenant: Tenant, year: int) -> Cycle:
    """Call inside the tenant's scope."""
    cycle = Cycle.objects.filter(tenant=tenant, year=year).first()
    if cycle is None:
        raise CommandError(_("%(tenant)s has no evaluation cycle for %(year)s.") % {"tenant": tenant.name,
                                                                                    "year": year})
    return cycle


def find_unit(tenant: Tenant, code: str) -> Unit:
    """Call inside the tenant's scope."""
    unit = Unit.objects.filter(tenant=tenant, code=code, archived_at__isnull=True).first()
    if unit is None:
        raise CommandError(_("%(tenant)s has no unit with the code “%(code)s”.") % {"tenant": tenant.name,
                                                                                  "code": code})
    return unit
