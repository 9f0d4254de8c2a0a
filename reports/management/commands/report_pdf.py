from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_scopes import scope

from reports.documents import summary_pdf, unit_report_pdf
from reports.management.commands._common import find_cycle, find_tenant, find_unit


class Command(BaseCommand):
    help = "Write a unit's report (or, with --summary, the summary of every unit below it) as PDF."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the province's slug, e.g. an-giang")
        parser.add_argument("--unit", required=True, help="the unit's code, e.g. CM")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--summary", action="store_true", help="a row per unit instead of the unit's report")

    def handle(self, *args, tenant, unit, year, output, summary, **options):
        found = find_tenant(tenant)
        with scope(tenant=found.pk):
            cycle, target = find_cycle(found, year), find_unit(found, unit)
            data = (summary_pdf if summary else unit_report_pdf)(cycle, target)
        Path(output).write_bytes(data)
        self.stdout.write(_("Wrote %(path)s.") % {"path": output})
