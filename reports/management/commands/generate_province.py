import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_scopes import scope

from reports.generator import province_generate
from reports.generator.people import ACCOUNT_PASSWORD
from reports.services.rollup import rollup_cycle


class Command(BaseCommand):
    help = "Generate a realistic province (units, cadres, programmes, an open cycle with forms) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the new province's slug, e.g. bench")
        parser.add_argument("--cadres", required=True, type=int, help="how many cadres, e.g. 100000")
        parser.add_argument("--seed", type=int, default=1, help="the same seed and size give the same rows")
        parser.add_argument("--year", type=int, help="the open cycle's year (default: this year)")
        parser.add_argument("--name", default="", help="the province's name (default: drawn from the seed)")
        parser.add_argument("--no-rollup", action="store_true", help="do not compute the reports' figures")

    def handle(self, *args, tenant, cadres, seed, year, name, no_rollup, **options):
        started = time.perf_counter()

        def progress(label, count):
            self.stdout.write(f"{label} {count:,} ({time.perf_counter() - started:.1f} s)")

        try:
            generated = province_generate(slug=tenant, cadres=cadres, seed=seed, year=year, name=name,
                                          progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for label, seconds in generated.phases:
            self.stdout.write(_("%(phase)s: %(seconds).1f s") % {"phase": label, "seconds": seconds})
        if not no_rollup:
            rollup_started = time.perf_counter()
            with scope(tenant=generated.tenant.pk):
                rows = rollup_cycle(cycle=generated.cycle)
            self.stdout.write(_("Rollup: %(n)s units in %(seconds).1f s")
                              % {"n": f"{rows:,}", "seconds": time.perf_counter() - rollup_started})
        self.stdout.write(self.style.SUCCESS(
            _("%(tenant)s generated in %(seconds).1f s. Accounts (password %(password)s): %(emails)s")
            % {"tenant": generated.tenant.name, "seconds": time.perf_counter() - started, "password": ACCOUNT_PASSWORD,
               "emails": ", ".join(user.email for user in generated.accounts.users)}))
