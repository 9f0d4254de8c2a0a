"""Demo figures: the rollup of every open demo cycle, so the dashboards show real numbers
the moment the demo is seeded (the nightly task would otherwise fill them in overnight).
The closed 2025 cycle's figures were frozen when `seed_evaluations` closed it."""

from cadres.models import Tenant
from evaluations.models import Cycle, CycleStatus
from reports.services.rollup import rollup_cycle

DEMO_TENANTS = ("an-giang", "can-tho")


def seed_reports() -> int:
    """Run inside seed_demo (scopes disabled). Idempotent: a rollup writes only the rows
    that changed. Returns the number of unit rows written."""
    cycles = Cycle.objects.filter(tenant__in=Tenant.objects.filter(slug__in=DEMO_TENANTS),
                                  status=CycleStatus.OPEN).order_by("tenant_id", "year")
    return sum(rollup_cycle(cycle=cycle) for cycle in cycles)
