from cadres.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import cadres from a spreadsheet into a whole tenant (all or nothing)."
    kind = "cadres"
