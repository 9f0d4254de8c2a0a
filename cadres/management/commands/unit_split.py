from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from cadres.actors import SYSTEM
from cadres.imports.split_plan import read_split_plan
from cadres.management.commands._reorganise import ReorganiseCommand
from cadres.models import Tenant
from cadres.services.reorganise import Outcome, unit_split


class Command(ReorganiseCommand):
    help = ("Split a unit into new units beside it, from a plan file: sheet “Đơn vị mới” (Mã đơn vị, Tên đơn vị, "
            "Cấp, Khối) and sheet “Phân chia” (Mã: a sub-unit's code or a cadre's email or phone; Chuyển vào).")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--unit", required=True, help="code of the unit to split")
        parser.add_argument("--plan", required=True, help="the .xlsx mapping file")

    def reorganise(self, tenant: Tenant, dry_run: bool, **options: Any) -> Outcome:
        unit = self.unit(tenant, options["unit"])
        try:
            data = Path(options["plan"]).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": options["plan"],
                                                                        "error": exc.strerror}) from exc
        plan = read_split_plan(data, unit)
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(problem)
            raise CommandError(_("Nothing was written: the plan has %(n)s problem(s).") % {"n": len(plan.problems)})
        return unit_split(unit=unit, parts=plan.parts, children=plan.children, cadres=plan.cadres, dry_run=dry_run,
                          acting_user=SYSTEM)
