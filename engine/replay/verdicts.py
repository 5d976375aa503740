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

Two refinements of the same argument:

* **Figures compared only by order.** A field the ruleset only compares with whole-number constants by ``$gt``,
  ``$gte``, ``$lt`` or ``$lte`` (paragraph 16's ceilings: ``military``, ``police``) decides the verdict only by
  where its value falls among those constants, so the kind keeps that place, not the figure: a deployment of
  11,664 and one of 11,453 below the same ceilings are of one kind (see :func:`ordered_constants`).
* **Matches of an event that joins nothing.** An event of a type that no rule of more than one pattern names, and
  that is not kept for joins, can complete only rules of one pattern, on its own message; which ones is again a
  function of its kind. The memo keeps that answer too (:attr:`Unmatched.matched`, filled from what durable-rules
  returned the first time it saw the kind), and the replay acts on it without asserting the event again
  (:func:`joined_types` says which types may be remembered so).
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

    def visit(key: str, value: Any) -> tuple[Any, ...]:
        if key in ("$ex", "$nex") and isinstance(value, dict):
            presence.update(value)
            return ()
        if not key.startswith("$"):
            is_join = (isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), str)
                       and not next(iter(value)).startswith("$"))
            (presence if is_join else valued).add(key)
        return (value,)

    _walk(ruleset, visit)
    return frozenset(valued), frozenset(presence - valued)


def _walk(ruleset: Any, visit: Callable[[str, Any], tuple[Any, ...]]) -> None:
    """Call ``visit(key, value)`` for each key of each mapping in a compiled ruleset (its lists and tuples walked
    through); what ``visit`` returns is walked in turn (the value, some of its parts, or nothing)."""
    stack: list[Any] = [ruleset]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                stack.extend(visit(key, value))


_ORDER_TESTS = frozenset({"$gt", "$gte", "$lt", "$lte"})
_EXACT_UP_TO = 2**53  # whole numbers a double holds exactly: beyond, a figure keeps its own value in the kind


def ordered_constants(ruleset: Any) -> dict[str, tuple[int, ...]]:
    """The names a compiled ruleset compares only by order with whole-number constants (every time the name is a
    key, it is the operand of ``$gt``, ``$gte``, ``$lt`` or ``$lte`` with an ``int``), each with those constants,
    sorted. Any other use of the name (a comparison by equality, a presence test, a join) leaves it out."""
    constants: dict[str, set[int]] = {}
    other: set[str] = set()

    def visit(key: str, value: Any) -> tuple[Any, ...]:
        if key in _ORDER_TESTS and isinstance(value, dict):
            for name, constant in value.items():
                if type(constant) is int and abs(constant) < _EXACT_UP_TO:
                    constants.setdefault(name, set()).add(constant)
                else:
                    other.add(name)
            return tuple(value.values())
        if not key.startswith("$"):
            other.add(key)
        return (value,)

    _walk(ruleset, visit)
    return {name: tuple(sorted(found)) for name, found in constants.items() if name not in other}


def joined_types(ruleset: Any) -> frozenset[str] | None:
    """The event types named by a pattern of a rule of more than one pattern (a join), or None when some such
    pattern's type cannot be read (then no type is taken to join nothing). A rule is ``{"all": [{alias:
    pattern}, ...]}``, its pattern ``{"type": T}`` or ``{"$and": [{"type": T}, ...]}``; a rule of another form
    counts as a join of unknown types."""
    joined: set[str] = set()
    for rule in ruleset.values():
        patterns = rule.get("all") if isinstance(rule, dict) and len(rule) == 1 else None
        if not isinstance(patterns, list):
            return None
        if len(patterns) < 2:
            continue
        for pattern in patterns:
            kind = _type_of(pattern)
            if kind is None:
                return None
            joined.add(kind)
    return frozenset(joined)


def _type_of(pattern: Any) -> str | None:
    """The event type a pattern ``{alias: test}`` asks for, if it says one plainly."""
    if not isinstance(pattern, dict) or len(pattern) != 1:
        return None
    (test,) = pattern.values()
    if isinstance(test, dict) and len(test) == 1 and "$and" in test and isinstance(test["$and"], list):
        tests = test["$and"]
    else:
        tests = [test]
    for one in tests:
        if isinstance(one, dict) and len(one) == 1 and isinstance(one.get("type"), str):
            return str(one["type"])
    return None


def _nothing(values: dict[str, Any]) -> tuple[()]:
    return ()


_PLACE = object()  # marks a figure's place among its constants in a kind (equal to no value of a field)


def _placed(value: Any, constants: tuple[int, ...], exact: frozenset[int]) -> Any:
    """A figure as a kind keeps it: its place among ``constants`` (and whether it is one of them), which decides
    every order test with them; anything but a whole number of exact size, as it is."""
    if value.__class__ is int and -_EXACT_UP_TO < value < _EXACT_UP_TO:
        return (_PLACE, bisect.bisect_left(constants, value), value in exact)
    return value


Kind = Callable[[dict[str, Any]], tuple[Any, ...]]  # an event's fields -> its kind (see Unmatched.plan)


class Unmatched:
    """The kinds of event durable-rules turned away in this replay."""

    def __init__(self, names: tuple[frozenset[str], frozenset[str]], ordered: dict[str, tuple[int, ...]] | None = None,
                 joined: frozenset[str] | None = None, retained: frozenset[str] = frozenset()) -> None:
        self._valued, self._present = names
        self._ordered = ordered or {}  # fields compared only by order with constants (see ordered_constants)
        # types whose matches may be remembered: none when the joins are not known
        self._joining: frozenset[str] | None = None if joined is None else joined | retained
        self.matched: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # kind -> what the replay remembered of its matches
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
        placed = [(number, self._ordered[name], frozenset(self._ordered[name]))
                  for number, name in enumerate(valued) if name in self._ordered and name not in derived]
        if placed:
            get = self._placing(valued, placed)
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

    @staticmethod
    def _placing(valued: list[str], placed: list[tuple[int, tuple[int, ...], frozenset[int]]]
                 ) -> Callable[[dict[str, Any]], Any]:
        """The values of ``valued`` (a tuple), each figure compared only by order as its place (see
        :func:`_placed`)."""
        def get(values: dict[str, Any]) -> tuple[Any, ...]:
            got = [values[name] for name in valued]
            for number, constants, exact in placed:
                got[number] = _placed(got[number], constants, exact)
            return tuple(got)
        return get

    def remembers_matches_of(self, event_type: str) -> bool:
        """Whether the matches of an event of this type are a function of its kind: no rule of more than one
        pattern names the type, and it is not kept for joins."""
        return self._joining is not None and event_type not in self._joining

    def __contains__(self, key: tuple[Any, ...]) -> bool:
        return key in self.seen

    def add(self, key: tuple[Any, ...]) -> None:
        if len(self.seen) < MAX_KINDS:
            self.seen.add(key)

    def remember(self, key: tuple[Any, ...], matches: tuple[Any, ...]) -> None:
        """Remember what an event of kind ``key`` matched (see :meth:`remembers_matches_of`)."""
        if len(self.matched) < MAX_KINDS:
            self.matched[key] = matches
