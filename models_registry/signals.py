"""What the programmes app tells the apps built on it, without knowing them."""

from django.dispatch import Signal

# Sent inside the transaction that publishes or archives a programme, once its new status
# is written: what applies to whom may have changed (kwargs: programme, acting_user).
programme_changed = Signal()
