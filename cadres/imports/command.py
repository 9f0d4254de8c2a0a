"""The shared body of `import_units` and `import_cadres`: a whole tenant, the root's subtree."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_scopes import scope

from cadres.models import Tenant
from cadres.services.imports import import_file


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx (or .csv) file")
        parser.add_argument("--tenant", required=True, help="slug of the tỉnh/thành đoàn")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, file, tenant, dry_run, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) from exc
        # Tenant is not scoped: it is the thing that picks the scope.
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(_("No province with slug %(slug)s.") % {"slug": tenant})
        with scope(tenant=found):
            report = import_file(kind=self.kind, root=found.root_unit, data=data, dry_run=dry_run,
                                 filename=Path(file).name)
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(report.summary())
        if report.has_errors:
            raise CommandError(_("Nothing was written: the file has %(n)s problem(s).") % {"n": len(report.problems)})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import saved.")))
