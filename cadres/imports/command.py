"""The shared bodies of the import commands (`import_units`, `import_cadres`) and the export
commands (`export_units`, `export_cadres`): a whole tenant, or one unit's subtree."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_scopes import scope

from cadres.actors import SYSTEM
from cadres.models import Tenant, Unit
from cadres.services.imports import export_file, import_file


def tenant_by_slug(slug: str) -> Tenant:
    # Tenant is not scoped: it is the thing that picks the scope.
    found = Tenant.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(_("No province with slug %(slug)s.") % {"slug": slug})
    return found


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
        found = tenant_by_slug(tenant)
        with scope(tenant=found):
            # Not a web request: a dry run of a large file may take longer than a preview may.
            report = import_file(kind=self.kind, root=found.root_unit, data=data, dry_run=dry_run,
                                 acting_user=SYSTEM, filename=Path(file).name, in_request=False)
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(report.summary())
        if report.has_errors:
            raise CommandError(_("Nothing was written: the file has %(n)s problem(s).") % {"n": len(report.problems)})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import saved.")))


class ExportCommand(BaseCommand):
    """Writes the workbook the export page gives, which the matching import takes back unchanged."""

    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="slug of the tỉnh/thành đoàn")
        parser.add_argument("--unit", help="code of the unit whose subtree to export (default: the whole tenant)")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, tenant, unit, output, **options):
        found = tenant_by_slug(tenant)
        with scope(tenant=found):
            root = found.root_unit if unit is None else (
                Unit.objects.filter(tenant=found, code=unit, archived_at__isnull=True).first())
            if root is None:
                raise CommandError(_("No unit with code %(code)s in %(tenant)s, or it is archived.")
                                   % {"code": unit, "tenant": found.name})
            data = export_file(kind=self.kind, root=root)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}) from exc
        self.stdout.write(_("Wrote %(file)s: %(unit)s and the units below it.") % {"file": output, "unit": root.name})
