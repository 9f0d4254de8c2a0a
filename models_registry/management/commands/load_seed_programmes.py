from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadres.actors import SYSTEM
from cadres.models import Tenant
from models_registry.seeding import load_seed_programmes, seed_files


class Command(BaseCommand):
    help = ("Load a province's own seed programmes (domain §4) into its tenant as published programmes "
            "(safe to run again).")

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--seed", action="append", required=True, choices=sorted(seed_files()),
                            help="a seed document's number; repeat for several")
        parser.add_argument("--owner", action="append", default=[], metavar="SEED=CODE",
                            help="the unit (by code) that owns that seed's programmes, instead of the fixture's")

    def handle(self, *args, tenant, seed, owner, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant with slug {tenant!r}.")
        owners = {}
        for item in owner:
            number, sep, code = item.partition("=")
            if not sep or not code:
                raise CommandError(f"--owner {item!r}: write SEED=CODE, e.g. --owner 001=CM.")
            owners[number] = code
        try:
            loaded = load_seed_programmes(found, seeds=seed, owners=owners, acting_user=SYSTEM)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for item in loaded:
            state = "added" if item.created else "already there"
            self.stdout.write(f"  {item.key:45} {state} (#{item.programme.pk}, {item.programme.owner_unit.code})")
            closest = item.programme.similarity_report.get("closest")
            if item.created and item.programme.similarity_report.get("similar") and closest:
                self.stdout.write(self.style.WARNING(
                    f"    close to #{closest['programme_id']} {closest['name']} (score {closest['score']})"))
        self.stdout.write(self.style.SUCCESS("Seed programmes ready."))
