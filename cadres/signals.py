"""What the cadres app tells the apps built on it about a reorganised tree, without knowing them."""

from django.dispatch import Signal

# Asked before a reorganisation, to preview and to check it (kwargs: units, the units whose
# subtrees are reorganised). Each receiver answers {impact key: count} for what it owns
# there: "open_forms" (forms of open cycles not yet final), "programmes", "reports".
unit_impact = Signal()
# Sent inside a reorganisation's transaction once positions have moved (kwargs: moves, a
# list of (cadre id, from unit id, to unit id)): open forms follow their cadres.
positions_transferred = Signal()
# Sent inside a reorganisation's transaction once the tree has changed (kwargs: moved, the
# units that now sit under another parent; archived, the units archived; acting_user). Each
# receiver does what its own records of these units need and answers the sentences telling
# what it did (a list of str), shown in the preview.
units_reorganised = Signal()
# Sent inside `cadre_deidentify`'s transaction, before the generic sweep (kwargs: cadre,
# placeholder): each app replaces the identifying data it owns about the cadre (the forms'
# copies of name and birth date, their snapshots, evidence files) and keeps the rest.
deidentifying = Signal()
