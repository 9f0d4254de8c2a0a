from typing import Any

from django.core.management.base import CommandParser

from cadres.actors import SYSTEM
from cadres.management.commands._reorganise import ReorganiseCommand
from cadres.models import Tenant, Unit
from cadres.services.reorganise import NewUnit, Outcome, unit_merge


class Command(ReorganiseCommand):
    help = ("Merge units: into an existing unit (--into CODE), or into a new one (--into NEW_CODE --name …), "
            "created beside the first.")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--units", required=True, help="codes of the units to merge, comma-separated")
        parser.add_argument("--into", required=True, help="code of the unit they merge into (new with --name)")
        parser.add_argument("--name", help="name of the new unit; without it --into names an existing unit")

    def reorganise(self, tenant: Tenant, dry_run: bool, **options: Any) -> Outcome:
        sources = [self.unit(tenant, code) for code in options["units"].split(",") if code.strip()]
        if options["name"]:
            return unit_merge(sources=sources, new=NewUnit(options["into"], options["name"]), dry_run=dry_run,
                              acting_user=SYSTEM)
        into: Unit = self.unit(tenant, options["into"])
        return unit_merge(sources=sources, into=into, dry_run=dry_run, acting_user=SYSTEM)
