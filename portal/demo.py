"""The demo: each app seeds its own part, in the order the layers build on each other."""

from django.db import transaction
from django_scopes import scopes_disabled

from cadres.actors import SYSTEM
from cadres.demo import seed_cadres
from evaluations.demo import seed_evaluations
from models_registry.seeding import load_seed_programmes
from reports.demo import seed_reports

# Each demo province loads its own seed document only (domain §4): An Giang's "3 cần, 5 quyết
# tâm" pilot at Huyện Đoàn Chợ Mới, Cần Thơ's "Cán bộ Đoàn trách nhiệm".
DEMO_SEEDS = {"an-giang": ["001"], "can-tho": ["002"]}


def seed_demo() -> int:
    """Create the demo tenants, programmes, forms and figures; returns how many cadres were
    added. Safe to run again."""
    with scopes_disabled(), transaction.atomic():
        builders = seed_cadres()
        for builder in builders:
            load_seed_programmes(builder.tenant, seeds=DEMO_SEEDS[builder.tenant.slug], acting_user=SYSTEM)
        seed_evaluations()
        seed_reports()
        return sum(builder.created for builder in builders)
