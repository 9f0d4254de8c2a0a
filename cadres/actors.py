"""Who acts in a service: a logged-in account, or the platform itself.

Every service takes `acting_user` (required, keyword-only) and checks inside it that this
actor may take the action, through the same rule the view asks (a selector or a flow's
check), so a command, a task or the API cannot skip it. Code that acts without a person —
the import and reorganisation commands, Celery tasks, seeders, the demo and the
benchmark's world — passes `SYSTEM` explicitly; it passes every "who may act" rule (the
other checks — state, dates, scope of the objects — still apply) and its audit rows are
written with no actor. `None` is not an actor: a service called without one fails.
"""

from typing import Final

from cadres.models import User


class System:
    """The platform acting on its own; no account, no access of its own to read with."""

    # Duck-typed like an anonymous user where a rule reads an account's attributes: it
    # reaches nothing through the selectors and is recorded as "no actor".
    is_authenticated: Final = False
    is_active: Final = False
    is_superuser: Final = False
    pk: Final = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = System()

# The acting user as services take it.
Actor = User | System


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def account_of(actor: Actor) -> User | None:
    """The account to record (created_by, decided_by…): none for the system."""
    return actor if isinstance(actor, User) else None
