from typing import Any

from django.core.management.base import CommandParser

from cadres.actors import SYSTEM
from cadres.management.commands._reorganise import ReorganiseCommand
from cadres.models import Tenant
from cadres.services.reorganise import Outcome, unit_move


class Command(ReorganiseCommand):
    help = "Move a unit (with its sub-units and cadres) under another unit of a higher level."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--unit", required=True, help="code of the unit to move")
        parser.add_argument("--to", required=True, help="code of its new parent")

    def reorganise(self, tenant: Tenant, dry_run: bool, **options: Any) -> Outcome:
        return unit_move(unit=self.unit(tenant, options["unit"]), parent=self.unit(tenant, options["to"]),
                         dry_run=dry_run, acting_user=SYSTEM)
