"""The one transition engine: every state change of a form, a unit report or a programme
goes through `act`.

A model's flow is declared once, as a `Flow`: per action a `Step` that maps each state it
starts from to the state it leads to, and the checks that must pass first (who acts, the
cycle is open, …). `act` then, inside one transaction,

1. locks the row (`select_for_update`), so two people acting at once are serialised;
2. runs the step's checks, then the flow's, on the locked row;
3. refuses a stale `expected_version` (the page was loaded before someone else acted),
   then a state the action does not start from;
4. applies the caller's change, moves the state, bumps `lock_version`, saves;
5. records the flow's event row (if the flow has one) and the audit row.

Anything raised on the way rolls all of it back. Every refusal is a `Refusal`: a
ValidationError with one translated message and a code a view may branch on. `can_act`
answers, without writing, whether the same checks would let a user take an action now:
views and templates ask it instead of restating the rules.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.functional import Promise

from cadres.actors import Actor, is_system
from cadres.models import User as Account
from cadres.services.audit import audit_record

M = TypeVar("M", bound=models.Model)
# The acting user as services take it: a logged-in account (views act only for those), or
# `cadres.actors.SYSTEM` (commands, tasks, seeding, demo data).
User = Actor


class Refusal(ValidationError):
    """An action refused with nothing written. Codes: "forbidden" (not this user), "closed"
    (the cycle is closed), "deadline", "state" (not from this state), "stale" (someone acted
    since the page was loaded), "invalid" (wrong input), or a flow's own."""

    def __init__(self, message: str | Promise, code: str) -> None:
        super().__init__(str(message), code=code)


# A check runs on the locked row and raises a Refusal when the action may not go on.
Check = Callable[[User, M], None]


def allowed_if(predicate: Callable[[User, M], bool], message: str | Promise, code: str = "forbidden") -> Check[M]:
    """A check from a yes/no rule (who may act, mostly) and the refusal when it says no."""

    def rule(user: User, obj: M) -> None:
        if not predicate(user, obj):
            raise Refusal(message, code)

    return rule


def require(actor: User, rule: Callable[[Account], bool], message: str | Promise) -> None:
    """Refuse unless `rule` (the selector the view asks too) lets this account act, or the
    system acts (`cadres.actors`): the check a service makes of who calls it."""
    if is_system(actor):
        return
    if not isinstance(actor, Account) or not rule(actor):
        raise Refusal(message, "forbidden")


@dataclass(frozen=True)
class Step(Generic[M]):
    """One action: from-state → to-state for each state it starts from (the same state for
    an edit), the checks before it, and how it is recorded."""

    moves: Mapping[str, str]
    checks: Sequence[Check[M]] = ()
    # The refusal for any other state, with %(state)s; None: the flow's.
    wrong_state: str | Promise | None = None
    # The action recorded when starting from a state, where it differs (a resubmission).
    recorded_as: Mapping[str, str] = field(default_factory=dict)
    # False when the step has no row in the flow's timeline (an amendment records its own).
    has_event: bool = True


@dataclass(frozen=True)
class Outcome:
    """What a change did, for the save and the records."""

    fields: Iterable[str] = ()  # the fields it set, saved with the state and the version
    data: Mapping[str, Any] = field(default_factory=dict)  # for the audit row
    event: Mapping[str, Any] = field(default_factory=dict)  # columns of the event row


@dataclass(frozen=True)
class Move(Generic[M]):
    """A transition as it is recorded."""

    obj: M
    action: str
    source: str
    target: str
    actor: User
    outcome: Outcome


@dataclass(frozen=True)
class Flow(Generic[M]):
    name: str  # prefix of the audit actions: "<name>.<action>"
    steps: Mapping[str, Step[M]]
    stale: str | Promise  # with %(state)s: the state the row is in now
    wrong_state: str | Promise  # with %(state)s
    wrong_state_code: str = "state"
    checks: Sequence[Check[M]] = ()  # run for every step, after the step's own
    state_field: str = "state"
    related: Sequence[str] = ()  # select_related when locking: what the checks read
    record_event: Callable[[Move[M]], None] | None = None

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.state_field))

    def state_label(self, obj: M) -> str:
        return str(getattr(obj, f"get_{self.state_field}_display")())


def check(flow: Flow[M], obj: M, action: str, user: User, *, expected_version: object = None) -> Step[M]:
    """Refuse unless `user` may take `action` on `obj` now: the step's checks, the flow's,
    the version when one is given (`act` gives the page's; autosave, with its per-field
    versions, gives none), then the state."""
    step = flow.steps[action]
    for rule in (*step.checks, *flow.checks):
        rule(user, obj)
    if expected_version is not None and _version(expected_version) != getattr(obj, "lock_version"):
        raise Refusal(str(flow.stale) % {"state": flow.state_label(obj)}, "stale")
    if flow.state_of(obj) not in step.moves:
        message = step.wrong_state or flow.wrong_state
        raise Refusal(str(message) % {"state": flow.state_label(obj)}, flow.wrong_state_code)
    return step


def can_act(flow: Flow[M], obj: M, action: str, user: User) -> bool:
    """Whether `user` may take `action` on `obj` as it stands: what pages ask before
    offering a button or a form."""
    try:
        check(flow, obj, action, user)
    except Refusal:
        return False
    return True


def _version(value: object) -> int:
    """The version a page sent (a hidden field: any text); -1, never current, for garbage."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return -1


def _sync(caller: M, locked: M) -> M:
    """Bring the caller's instance up to date with the row the transition wrote."""
    for column in locked._meta.concrete_fields:
        setattr(caller, column.attname, getattr(locked, column.attname))
    return caller


@transaction.atomic
def act(flow: Flow[M], obj: M, action: str, *, acting_user: User, expected_version: object,
        change: Callable[[M], Outcome | None] | None = None) -> M:
    """Take `action` on `obj` (see the module's docstring); `change(locked)` sets what the
    action changes besides the state on the locked row, may refuse, and says what it did.
    Returns `obj`, updated to the row as written."""
    manager = type(obj)._default_manager
    locked = manager.select_for_update(of=("self",)).select_related(*flow.related).get(pk=obj.pk)
    # A missing version is stale, not "unchecked": only `check` may skip it.
    step = check(flow, locked, action, acting_user, expected_version=_version(expected_version))
    source = flow.state_of(locked)
    outcome = (change(locked) if change else None) or Outcome()
    target = step.moves[source]
    setattr(locked, flow.state_field, target)
    setattr(locked, "lock_version", getattr(locked, "lock_version") + 1)
    locked.save(update_fields=[flow.state_field, "lock_version", "updated_at", *outcome.fields])
    recorded = step.recorded_as.get(source, action)
    if flow.record_event is not None and step.has_event:
        flow.record_event(Move(locked, recorded, source, target, acting_user, outcome))
    moved = {"from": source, "to": target} if source != target else {}
    audit_record(actor=acting_user, action=f"{flow.name}.{recorded}", obj=locked, data={**moved, **outcome.data})
    return _sync(obj, locked)


__all__ = ["Check", "Flow", "Move", "Outcome", "Refusal", "Step", "act", "allowed_if", "can_act", "require"]
