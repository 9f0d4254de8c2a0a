from cadres.imports.command import ExportCommand


class Command(ExportCommand):
    help = "Export a tenant's units (or one unit's subtree) to the spreadsheet import_units takes back."
    kind = "units"
