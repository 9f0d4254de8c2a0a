from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_scopes import scope

from reports.management.commands._common import find_cycle, find_tenant
from reports.services.rollup import rollup_cycle


class Command(BaseCommand):
    help = "Recompute every unit's figures of one province's cycle (what the nightly task does)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the province's slug, e.g. an-giang")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, tenant, year, **options):
        found = find_tenant(tenant)
        with scope(tenant=found.pk):
            rows = rollup_cycle(cycle=find_cycle(found, year))
        self.stdout.write(_("%(n)d units computed for %(tenant)s, %(year)d.") % {"n": rows, "tenant": found.name,
                                                                                 "year": year})
