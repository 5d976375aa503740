"""The actors the resolution names, as a validated model, and the registry that turns a user's name for one into
its id.

Scenario files may name an actor as the resolution does ("Secretary-General", "Coordination des Mouvements
de l'Azawad"), by an alias ("CMA", "SG") or by its short id (``coordination``), in any case. The registry is
data (``rules/actors.yaml``); this module validates it (:class:`Actor`), and :mod:`engine.inputs.registry`, which
needs no pydantic, resolves names (:class:`ActorRegistry`, re-exported here).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .registry import ActorRegistry as ActorRegistry
from .registry import normalise as normalise

ACTOR_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Actor(BaseModel):
    """One actor: a short id, the name the resolution uses, aliases, and the groups it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used

    id: str = Field(pattern=ACTOR_ID)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = Field(default=(), description="groups the actor belongs to, e.g. armed-group")
    part_of: tuple[str, ...] = Field(default=(), description="ids of actors this one is a member of")
    note: str | None = None

    @field_validator("tags")
    @classmethod
    def _tags_are_ids(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            if not re.match(ACTOR_ID, tag):
                raise ValueError(f"tag {tag!r} must be lower-case words joined by hyphens")
        return tags
