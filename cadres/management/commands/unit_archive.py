from typing import Any

from django.core.management.base import CommandParser

from cadres.actors import SYSTEM
from cadres.management.commands._reorganise import ReorganiseCommand
from cadres.models import Tenant
from cadres.services.reorganise import Outcome, unit_archive


class Command(ReorganiseCommand):
    help = "Archive a unit and the units below it (never delete); --transfer-to says where its cadres go."
    dry_run_option = False

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--unit", required=True, help="code of the unit to archive")
        parser.add_argument("--transfer-to", help="code of the unit its cadres and their open forms go to")

    def reorganise(self, tenant: Tenant, dry_run: bool, **options: Any) -> Outcome:
        target = options["transfer_to"]
        return unit_archive(unit=self.unit(tenant, options["unit"]),
                            transfer_to=self.unit(tenant, target) if target else None, acting_user=SYSTEM)
