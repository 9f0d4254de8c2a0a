"""What the evaluations app does when the apps below it change (connected in `apps`)."""

from typing import Any

from cadres.transitions import User
from evaluations.services.programme_changes import programme_change_apply
from models_registry.models import Programme


def programme_changed(sender: object, programme: Programme, acting_user: User, **kwargs: Any) -> None:
    programme_change_apply(programme=programme, acting_user=acting_user)
