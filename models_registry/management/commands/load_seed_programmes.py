from django.core.management.base import BaseCommand, CommandError

from cadres.actors import SYSTEM
from cadres.models import Tenant
from models_registry.seeding import load_seed_programmes


class Command(BaseCommand):
    help = "Load the five seed programmes of domain §4 into a tenant as published programmes (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the tenant's slug")

    def handle(self, *args, tenant, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant with slug {tenant!r}.")
        for loaded in load_seed_programmes(found, acting_user=SYSTEM):
            state = "added" if loaded.created else "already there"
            self.stdout.write(f"  {loaded.key:45} {state} (#{loaded.programme.pk}, {loaded.programme.owner_unit.code})")
        self.stdout.write(self.style.SUCCESS("Seed programmes ready."))
