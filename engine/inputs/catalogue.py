"""What checking a scenario's inputs needs from the models, in force in this process: the catalogue kept on disk
(:mod:`.checkcache`) when the cache is warm, else made from the models (which imports pydantic) and kept there.

The first process that needs it with no sound entry on disk writes every event type's checkers
(:mod:`.checkwriter`) and the plans of a scenario file's top level (:mod:`.plainmodel`) at once, so that the next
one needs no pydantic whatever its scenario holds. With the cache off (``OBLIGATIONS_NO_CACHE``) there is no
catalogue: each piece is made from the models when first needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..light import Spec
from ..rulepack.cache import cache_dir
from . import checkcache
from .checkcache import Catalogue, Written

HEADER = "engine.inputs.header:Header"  # the key of the plan of a scenario file's top level

_MEMO: dict[Path | None, Catalogue | None] = {}


def cached() -> Catalogue | None:
    """The catalogue of the cache folder in force: read from it, or made and written to it; None when the cache
    is off."""
    folder = cache_dir()
    if folder not in _MEMO:
        _MEMO[folder] = None if folder is None else checkcache.load(folder) or _made(folder)
    return _MEMO[folder]


def _made(folder: Path) -> Catalogue:
    from .checkwriter import catalogue_of_events

    made = catalogue_of_events()._replace(plans=_plans())
    checkcache.store(folder, made)
    return made


def _plans() -> dict[str, Any]:
    from .header import Header
    from .plainmodel import plan_of

    return plan_of(Header)


def written(kind: str) -> Written | None:
    """What was written for an event type's checkers, or None (no such type, or a schema the writer does not
    know)."""
    found = cached()
    if found is not None:
        return found.events.get(kind)
    from .checkwriter import written as write

    return write(kind)


def spec(kind: str) -> Spec:
    """The spec of an event type's light class."""
    found = cached()
    if found is not None:
        return found.specs[kind]
    from ..light import spec_of
    from .vocabulary import EVENT_TYPES

    return spec_of(EVENT_TYPES[kind])


def list_fields() -> frozenset[str]:
    """The event fields that take a list (a CSV log's cells split at ``;``)."""
    found = cached()
    if found is not None:
        return found.list_fields
    from .checkwriter import list_fields as read

    return read()


def plans() -> dict[str, Any]:
    """The plans of a scenario file's top level (:data:`HEADER`) and of what it holds."""
    found = cached()
    return found.plans if found is not None else _plans()
