from cadres.imports.command import ExportCommand


class Command(ExportCommand):
    help = "Export a tenant's cadres (or one unit's subtree) to the spreadsheet import_cadres takes back."
    kind = "cadres"
