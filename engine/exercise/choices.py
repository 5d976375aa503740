"""What a trainee may answer: the resolution's paragraphs, the finding kinds and statuses, the actors.

The terminal player completes on these, and a web form offers them as choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .paragraphs import KINDS, statuses_of


@dataclass(frozen=True)
class Choices:
    paragraphs: tuple[str, ...]  # as in the coverage list, in the resolution's order
    kinds: tuple[str, ...]
    statuses: dict[str, tuple[str, ...]]  # by kind, the initial status first
    actors: tuple[tuple[str, str], ...]  # (id, name as the resolution writes it), by name

    def as_dict(self) -> dict[str, Any]:
        return {"paragraphs": list(self.paragraphs), "kinds": list(self.kinds),
                "statuses": {k: list(v) for k, v in self.statuses.items()},
                "actors": [{"id": i, "name": n} for i, n in self.actors]}


def choices(engine: Any) -> Choices:
    """The choices for ``engine``'s rule pack (``engine`` an :class:`engine.Engine`)."""
    pack = engine.pack
    actors = sorted(((a.id, a.name) for a in pack.actors.by_id.values()), key=lambda item: item[1].casefold())
    return Choices(paragraphs=tuple(p.id for p in pack.paragraphs), kinds=KINDS,
                   statuses={k: statuses_of(k) for k in KINDS}, actors=tuple(actors))
