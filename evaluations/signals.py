"""What the evaluations app tells the apps built on it, without knowing them."""

from django.dispatch import Signal

# Sent inside the closing transaction, the cycle row switched to closed and held:
# receivers freeze what must not change any more (kwargs: cycle, acting_user).
cycle_closing = Signal()
# Sent inside the transaction that opens or reopens a cycle (kwargs: cycle, acting_user).
cycle_opened = Signal()
