"""Which events durable-rules already found to engage nothing: a bounded memo of its verdict, so that an event
like one it turned away before is not encoded and asserted again.

Most events of a long log meet no condition of any rule (an unattributed attack on Malian forces, a deployment
within the ceilings). durable-rules decides that in its alpha network, from the message's own properties tested
against constants; joins between facts come after, and only for facts that passed. So the verdict "meets no
condition" is a function of the message's properties that the ruleset names, and of nothing else: not of the
session's state, not of the fact's id, and not of its tick unless a rule tests ``t``. The memo's key is the event
type and the values of every field the ruleset names (by itself, or through a membership flag or list item
``field__...``); properties the ruleset never names cannot change the verdict. durable-rules still decides every
verdict the first time; the memo only remembers it, for at most :data:`MAX_KINDS` kinds of event per replay.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ..inputs.vocabulary import Event

MAX_KINDS = 1 << 15  # distinct unmatched kinds of event remembered per replay (each a small tuple)
_NOT_A_PROPERTY = frozenset({"at", "note", "id"})  # event fields that are never in the message (see messages)


def properties_read(ruleset: Any) -> tuple[frozenset[str], frozenset[str]]:
    """What a compiled ruleset's tests can read of a message: (the names whose values it may compare with a
    constant, the names it only tests for presence or joins on).

    A name counts as presence-only when every time it is a key it is the operand of ``$ex`` or ``$nex``, or is
    compared with another fact's field (``{"incident": {"act": "incident"}}``: a join, tested after the alpha
    network and so after the verdict). Any other use of a name as a key, in a form this does not know, counts as
    a comparison with a constant: a superset, so never a wrong verdict."""
    valued: set[str] = set()
    presence: set[str] = set()
    stack: list[Any] = [ruleset]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("$ex", "$nex") and isinstance(value, dict):
                    presence.update(value)
                    continue
                if not key.startswith("$"):
                    is_join = (isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())),
                               str) and not next(iter(value)).startswith("$"))
                    (presence if is_join else valued).add(key)
                stack.append(value)
    return frozenset(valued), frozenset(presence - valued)


def _nothing(values: dict[str, Any]) -> tuple[()]:
    return ()


Kind = Callable[[dict[str, Any]], tuple[Any, ...]]  # an event's fields -> its kind (see Unmatched.plan)


class Unmatched:
    """The kinds of event durable-rules turned away in this replay."""

    def __init__(self, names: tuple[frozenset[str], frozenset[str]]) -> None:
        self._valued, self._present = names
        self.tests_tick = "t" in self._valued or "t" in self._present  # a rule tests the tick: part of the verdict
        # the fields whose value gives a property the ruleset names (``field__...``: a membership flag, a list item)
        self._derived_from = {name.split("__", 1)[0] for name in self._valued | self._present if "__" in name}
        self.plans: dict[type, Kind] = {}  # per event class: its kind without the tick (see :meth:`plan`)
        self.seen: set[tuple[Any, ...]] = set()  # the kinds turned away (read directly by the replay's feed)

    def key(self, event: Event, tick: int) -> tuple[Any, ...]:
        """What decides durable-rules' verdict on ``event``'s message: the values of the fields tested against
        constants, and whether the fields only tested for presence or joined on are there."""
        plan = self.plans.get(event.__class__)
        if plan is None:
            plan = self.plan(event)
        key = plan(event.__dict__)
        return (*key, tick) if self.tests_tick else key

    def plan(self, event: Event) -> Kind:
        """The kind of an event of ``event``'s class, from its fields (``event.__dict__``), without the tick: its
        class, the values of the fields the ruleset may compare with a constant or that give a property it tests
        (a membership flag or a list item ``field__...``, which the value decides), and whether each field it
        only tests for presence or joins on is there. Made once per class."""
        kind = event.__class__
        fields = [name for name in event.__dict__ if name not in _NOT_A_PROPERTY]
        derived = {name for name in fields if name in self._derived_from or (
            "__" in name and any(other.startswith(f"{name}__") for other in self._valued | self._present))}
        valued = [name for name in fields if name in self._valued or name in derived]
        present = tuple(name for name in fields if name not in valued and name in self._present)
        get: Callable[[dict[str, Any]], Any] = operator.itemgetter(*valued) if valued else _nothing
        plan: Kind
        if not present:
            def plan(values: dict[str, Any]) -> tuple[Any, ...]:
                return (kind, get(values))
        elif len(present) == 1:
            (only,) = present

            def plan(values: dict[str, Any]) -> tuple[Any, ...]:
                return (kind, get(values), values[only] is None)
        else:
            def plan(values: dict[str, Any]) -> tuple[Any, ...]:
                return (kind, get(values), *[values[name] is None for name in present])
        self.plans[kind] = plan
        return plan

    def __contains__(self, key: tuple[Any, ...]) -> bool:
        return key in self.seen

    def add(self, key: tuple[Any, ...]) -> None:
        if len(self.seen) < MAX_KINDS:
            self.seen.add(key)
