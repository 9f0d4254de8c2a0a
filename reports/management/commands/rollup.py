from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_scopes import scope

from reports.management.commands._common import find_cycle, find_tenant
from reports.services.rollup import rollup_cycle


class Command(BaseCommand):
    help = "Recompute every unit's figures of one province's open cycle (what the nightly task does)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the province's slug, e.g. an-giang")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, tenant, year, **options):
        found = find_tenant(tenant)
        with scope(tenant=found.pk):
            try:
                rows = rollup_cycle(cycle=find_cycle(found, year))
            except ValidationError as error:  # a closed cycle: its figures are frozen
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(_("Figures of %(tenant)s, %(year)d recomputed: %(n)d units changed.")
                          % {"n": rows, "tenant": found.name, "year": year})
