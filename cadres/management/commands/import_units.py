from cadres.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import units from a spreadsheet into a whole tenant (all or nothing)."
    kind = "units"
