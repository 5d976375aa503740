"""The registry of actors a rule pack names, and how a user's name for one becomes its id, importable without
pydantic.

Scenario files may name an actor as the resolution does ("Secretary-General", "Coordination des Mouvements
de l'Azawad"), by an alias ("CMA", "SG") or by its short id (``coordination``), in any case. The actors are
validated by their model (:class:`engine.inputs.actors.Actor`); the registry holds them (real or light instances,
:mod:`engine.light`: a rule pack from the cache holds light ones) and only reads their fields.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Protocol


class Actor(Protocol):
    """What the registry reads of an actor (:class:`engine.inputs.actors.Actor`, real or light)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def part_of(self) -> tuple[str, ...]: ...
    @property
    def note(self) -> str | None: ...

_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015'\u2018\u2019`.]+")
_MAX_REMEMBERED = 10_000  # spellings of actor names remembered per registry (the registry names ~100 actors)


def normalise(name: str) -> str:
    """Case-, accent-, hyphen-, apostrophe-, full-stop- and spacing-insensitive form of a name: "Al-Qaïda",
    "al qaida" and "AL QAIDA" are one name; so are "FC-G5S" and "FC G5S", "Côte d'Ivoire" and "Cote d Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped).strip().casefold()


class ActorRegistry:
    """Actors by id, with lookup by any of their names."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.by_id: dict[str, Actor] = {}
        self._names: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._resolved: dict[str, str] = {}  # names as written -> id, so that each spelling is normalised once
        for actor in actors:
            if actor.id in self.by_id:
                raise ValueError(f"actor id {actor.id!r} is defined twice")
            self.by_id[actor.id] = actor
        for actor in self.by_id.values():
            for name in (actor.id, actor.name, *actor.aliases):
                key = normalise(name)
                other = self._names.get(key)
                if other is not None and other != actor.id:
                    raise ValueError(f"the name {name!r} would mean both {other!r} and {actor.id!r}")
                self._names[key] = actor.id
            for parent in actor.part_of:
                if parent not in self.by_id:
                    raise ValueError(f"actor {actor.id!r} is part of {parent!r}, which is not defined")

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self.by_id

    def __len__(self) -> int:
        return len(self.by_id)

    def ids(self) -> list[str]:
        return sorted(self.by_id)

    def resolve(self, name: str) -> str:
        """The id of the actor ``name`` designates; ``ValueError`` naming the nearest actor if none does."""
        found = self._resolved.get(name)
        if found is not None:
            return found
        found = self._names.get(normalise(name))
        if found is not None:
            if len(self._resolved) < _MAX_REMEMBERED:
                self._resolved[name] = found
            return found
        raise ValueError(self.unknown_message(name))

    def remembered(self, name: Any, names: dict[str, str], *, limit: int,
                   accept: Callable[[str], bool] | None = None) -> str | None:
        """The id ``name`` designates, or None when it is not text or designates no actor (or ``accept`` refuses
        the id); kept in ``names``, a checker's own table of spellings, while it holds fewer than ``limit``."""
        if name.__class__ is not str:
            return None
        try:
            found = self.resolve(name)
        except ValueError:
            return None
        if accept is not None and not accept(found):
            return None
        if len(names) < limit:
            names[name] = found
        return found

    def unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(normalise(name), list(self._names), n=1, cutoff=0.5)
        if close:
            suggestion = self.by_id[self._names[close[0]]]
            return f"unknown actor {name!r}; did you mean {suggestion.name!r} ({suggestion.id})?"
        return f"unknown actor {name!r}; `obligations actors` lists the actors the resolution names"

    def name_of(self, actor_id: str) -> str:
        actor = self.by_id.get(actor_id)
        return actor.name if actor else actor_id

    def ancestors(self, actor_id: str) -> set[str]:
        """Every actor ``actor_id`` is part of, directly or through others."""
        seen: set[str] = set()
        stack = list(self.by_id[actor_id].part_of)
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(self.by_id[parent].part_of)
        return seen

    def members(self, group: str) -> list[str]:
        """Actors in ``group``: the actor of that id and those tagged with it, and every actor part of one of
        them (GATIA, part of the Plateforme, is in the Plateforme and in every group the Plateforme is in)."""
        found = self._members.get(group)
        if found is None:
            heads = {a.id for a in self.by_id.values() if a.id == group or group in a.tags}
            found = sorted(a.id for a in self.by_id.values() if a.id in heads or self.ancestors(a.id) & heads)
            self._members[group] = found
        return list(found)

    def is_group(self, name: str) -> bool:
        return name in self.by_id or any(name in actor.tags for actor in self.by_id.values())
