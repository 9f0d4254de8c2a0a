"""The shared body of the reorganisation commands (`unit_move`, `unit_merge`,
`unit_archive`, `unit_split`): find the tenant and units by code, run the service as
`SYSTEM` (`cadres.actors`), print what it will do (`--dry-run`) or did, and exit non-zero on a refusal."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_scopes import scope

from cadres.imports.command import tenant_by_slug
from cadres.models import Tenant, Unit
from cadres.services.reorganise import Outcome


class ReorganiseCommand(BaseCommand):
    dry_run_option = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="slug of the tỉnh/thành đoàn")
        if self.dry_run_option:
            parser.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")

    def unit(self, tenant: Tenant, code: str) -> Unit:
        found = Unit.objects.filter(tenant=tenant, code=code.strip(), archived_at__isnull=True).first()
        if found is None:
            raise CommandError(_("No unit with code %(code)s in %(tenant)s, or it is archived.")
                               % {"code": code, "tenant": tenant.name})
        return found

    def reorganise(self, tenant: Tenant, dry_run: bool, **options: Any) -> Outcome:
        raise NotImplementedError

    def handle(self, *args: Any, tenant: str, dry_run: bool = False, **options: Any) -> None:
        found = tenant_by_slug(tenant)
        with scope(tenant=found):
            try:
                outcome = self.reorganise(found, dry_run, **options)
            except ValidationError as refusal:
                raise CommandError(_("Nothing was written: %(reason)s") % {"reason": " ".join(refusal.messages)}) \
                    from refusal
        for line in [*outcome.lines, *outcome.impact_lines()]:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Done.")))
