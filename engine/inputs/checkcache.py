"""The checkers of a scenario's inputs, as written from the models, kept on disk so that a process whose cache is
warm checks a scenario without importing pydantic.

What is kept (a :class:`Catalogue`, made by :mod:`.catalogue`) is plain data: for each event type the source of its
generated checking functions and their constants (:mod:`.checkwriter`, run by :mod:`.plaincheck`), and the spec of
its light class (:mod:`engine.light`); the fields that take lists; the plans of the scenario file's top level
(:mod:`.plainmodel`). The entry lives beside the rule packs' (:mod:`engine.rulepack.cache`: same folder, same trust
in an entry only when it is the user's own and writable by nobody else, same whole writes); it is used only when it
was made by the same code of the engine's inputs (and :mod:`engine.light`), the same Python and the same pydantic
(whose version is read from its installed files, without importing it). As for the packs, the code's digest is
taken again only when one of its files is not plainly the one the entry recorded (same size, time and inode).
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any, NamedTuple

from ..light import Spec
from ..rulepack import cache as _cache

FORMAT = 3  # the layout of the catalogue; raised whenever it changes (2: the checkers compiled; 3: code signatures)
CODE = ("inputs", "light.py")  # the engine's code the catalogue is made by (folders: each module in them)


class Written(NamedTuple):
    """The generated checking functions of one event type: the source of its ``make`` function, the same compiled
    (``marshal``'s bytes: the entry is kept per Python version), the constants that source names (plain data,
    functions of modules without pydantic), and the spec of its light class."""

    kind: str
    source: str
    code: bytes
    constants: dict[str, Any]
    spec: Spec


class Catalogue(NamedTuple):
    """Everything generated from the models that checking a scenario needs."""

    events: dict[str, Written | None]  # by event type (None: a type whose schema the generator does not know)
    specs: dict[str, Spec]  # the light class of each event type
    list_fields: frozenset[str]  # event fields that take a list (a CSV log's cells split at ``;``)
    plans: dict[str, Any]  # the plain checks of the scenario file's top level (:mod:`.plainmodel`), by name


def _entry(folder: Path) -> Path:
    where = json.dumps([str(Path(__file__).resolve().parent), sys.version, sys.implementation.cache_tag])
    return folder / f"checkers-{_cache.digest(where.encode())[:32]}.pickle"


def _versions(code: str) -> dict[str, Any]:
    """What the entry was made by: the engine's code (its digest), and the Python, pydantic (and durable-rules) the
    rule packs' entries are keyed by (read from their installed files, without importing them)."""
    return {"format": FORMAT, "code": code, **_cache._versions()}


def load(folder: Path) -> Catalogue | None:
    """The catalogue kept in ``folder``, if its entry is sound and was made by this code, Python and pydantic."""
    entry = _cache.read_entry(_entry(folder))
    if entry is None:
        return None
    written, header, payload = entry
    try:
        made_by = {k: v for k, v in header.items() if k not in ("payload", "signatures")}
        code = made_by.get("code") if _cache.code_settled(header.get("signatures"), CODE, written) \
            else _cache.code_digest(CODE)
        if made_by != _versions(str(code)):
            return None
        loaded = pickle.loads(payload)
    except Exception:  # a payload that does not unpickle: made again
        return None
    return loaded if isinstance(loaded, Catalogue) else None


def store(folder: Path, made: Catalogue) -> None:
    """Keep ``made`` in ``folder`` (nothing is kept when a constant does not pickle, or the folder cannot be
    written)."""
    try:
        payload = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    signatures = _cache._code_signatures(CODE)  # taken before the digest: they never describe a later text
    _cache.write_entry(_entry(folder), {**_versions(_cache.code_digest(CODE)), "signatures": signatures}, payload)
