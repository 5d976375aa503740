"""ACLED exports turned into scenarios: actors mapped to the registry, event types to the vocabulary.

Reads both of ACLED's CSV layouts: the **dyadic** export (``actor1``, ``assoc_actor_1``, ``actor2``,
``assoc_actor_2`` in one row per event) and the **monadic** export (one row per actor, ``actor1`` and
``assoc_actor_1`` only; rows sharing ``event_id_cnty`` are the sides of one event, in the order of the file).
Columns may come in any order, with others besides; UTF-8 with or without a byte-order mark; dates as
``14 April 2018``, ``14-April-2018`` or ``2018-04-14``.

The event mapping (the assumptions are the importer's, stated here and in the docs):

1. one side is MINUSMA or United Nations personnel, in a battle, an explosion or remote violence, or violence
   against civilians: an ``attack`` on MINUSMA by the other side (the side that is not MINUSMA is taken as the
   attacker); a remote explosive, landmine or IED is also an ``explosive_device``;
2. one side is the French forces: when they are ``actor1`` of a battle or an explosion/remote violence (an air
   or drone strike), their ``intervention``, in support of MINUSMA when MINUSMA is among the associated actors,
   else of the Malian Defence and Security Forces (the French forces acted at the Malian authorities' request);
   when they are ``actor2``, an ``attack`` on them (and an ``explosive_device`` for an IED);
3. a battle between two signatories of the Agreement (the Government and its forces, the Coordination, the
   Plateforme and their members): a ``ceasefire_violation`` by ``actor1`` against ``actor2`` (ACLED does not say who
   started a clash: the importer takes ``actor1`` as the side that violated the ceasefire);
4. violence against civilians: an ``attack`` on civilians by ``actor1``; an abduction or forced disappearance is
   also a ``human_rights_violation`` of category ``arbitrary_detention``, sexual violence one of category
   ``sexual_violence``;
5. another remote explosive, landmine or IED: an ``explosive_device`` (by ``actor1`` unless unidentified);
6. another battle: an ``attack`` by ``actor1`` on ``actor2`` (the same assumption as 3);
7. the rest (protests, riots, strategic developments, ...) is skipped with its reason, unless a user's mapping
   names an engine event type for the ACLED event or sub-event type (``event_types``: ``obstruction``,
   ``ceasefire_violation`` or ``humanitarian_access_denied``, by ``actor1``).

Every event keeps ACLED's ``event_id_cnty`` as its ``id`` (suffixed ``-2``, ``-3`` when one ACLED event gives
several engine events) and as its ``incident``, ACLED's ``location`` and its ``notes`` (in ``note``). Every row is
accounted for: each distinct ACLED event is imported or skipped with one reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .actors import ActorRegistry, normalise
from .sources import open_regular

REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1")
SIGNATORY_GROUPS = ("government-of-mali", "coordination", "plateforme")
TEXT_LIMIT = 500  # characters of a location or note (the vocabulary's limit)
MAPPABLE_TYPES = ("obstruction", "ceasefire_violation", "humanitarian_access_denied")
_YEARS = re.compile(r"\s*\(\s*\d{4}\s*-\s*(\d{4})?\s*\)")
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")


@dataclass
class Mapping:
    """ACLED actor names (normalised; a trailing ``*`` for a prefix) to registry ids, and event types to
    engine event types."""

    actors: dict[str, str] = field(default_factory=dict)
    prefixes: list[tuple[str, str]] = field(default_factory=list)
    event_types: dict[str, str] = field(default_factory=dict)

    def update(self, data: Any, *, path: str) -> None:
        if not isinstance(data, dict) or not set(data) <= {"actors", "event_types"}:
            raise InputError("a mapping file holds `actors:` (ACLED name: actor id) and `event_types:` "
                             "(ACLED event or sub-event type: engine event type)", path=path, line=1)
        for name, actor in (data.get("actors") or {}).items():
            if not isinstance(actor, str):
                raise InputError(f"actors: {name!r} maps to {actor!r}, not an actor id", path=path)
            key = normalise(str(name))
            if key.endswith("*"):
                self.prefixes = [(p, a) for p, a in self.prefixes if p != key[:-1].strip()]
                self.prefixes.append((key[:-1].strip(), actor))
            else:
                self.actors[key] = actor
        for name, kind in (data.get("event_types") or {}).items():
            if kind not in (*MAPPABLE_TYPES, "skip"):
                raise InputError(f"event_types: {name!r} maps to {kind!r}; one of {', '.join(MAPPABLE_TYPES)} or "
                                 "skip", path=path)
            self.event_types[normalise(str(name))] = str(kind)
        self.prefixes.sort(key=lambda item: -len(item[0]))

    def actor(self, acled_name: str, registry: ActorRegistry) -> str | None:
        """The registry id for an ACLED actor name, or None when neither the mapping nor the registry knows it."""
        bare = _YEARS.sub("", acled_name).strip()
        acronym, _, rest = bare.partition(":")
        candidates = [bare, rest.strip(), acronym.strip()] if rest else [bare]
        for candidate in candidates:
            found = self.actors.get(normalise(candidate))
            if found is not None:
                return found
        for candidate in candidates:
            key = normalise(candidate)
            for prefix, actor in self.prefixes:
                if key.startswith(prefix):
                    return actor
        for candidate in candidates:
            try:
                return registry.resolve(candidate)
            except ValueError:
                continue
        return None


def bundled_mapping() -> Mapping:
    mapping = Mapping()
    text = resources.files("engine.inputs").joinpath("data/acled-mali.yaml").read_text(encoding="utf-8")
    mapping.update(yaml.safe_load(text), path="engine/inputs/data/acled-mali.yaml")
    return mapping


def parse_date(text: str) -> date | None:
    text = " ".join(text.split())
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


@dataclass
class AcledEvent:
    """One ACLED event: its sides (the first row's actor first) and what ACLED says of it."""

    event_id: str
    line: int
    day: date | None
    event_type: str
    sub_event_type: str
    sides: list[str]
    associated: list[str]
    location: str
    notes: str


@dataclass
class Outcome:
    """What an import made of an export."""

    rows: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    acled_events: int = 0
    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        return {"rows": self.rows, "events": self.acled_events, "imported": self.imported,
                "skipped": dict(sorted(self.skipped.items()))}


def read_export(path: Path) -> tuple[int, list[AcledEvent]]:
    """The rows of an export and its events (monadic rows sharing an id joined), in the order of the file."""
    shown = str(path)
    with open_regular(path, what="ACLED export") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the ACLED export is not valid UTF-8 (byte {exc.start})", path=shown) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(f"not an ACLED export: no column {', '.join(missing)} in the header", path=shown, line=1)
    reader.fieldnames = header
    dyadic = "actor2" in header
    events: dict[str, AcledEvent] = {}
    rows = 0
    try:
        for row in reader:
            rows += 1
            line = reader.line_num
            event_id = (row.get("event_id_cnty") or "").strip()
            if not event_id:
                raise InputError("a row without event_id_cnty", path=shown, line=line)
            actors = [(row.get("actor1") or "").strip()]
            associated = [(row.get("assoc_actor_1") or "").strip()]
            if dyadic:
                actors.append((row.get("actor2") or "").strip())
                associated.append((row.get("assoc_actor_2") or "").strip())
            known = events.get(event_id)
            if known is not None and dyadic:
                raise InputError(f"event {event_id} appears twice in a dyadic export", path=shown, line=line)
            if known is not None:
                known.sides += [a for a in actors if a]
                known.associated += [a for a in associated if a]
                continue
            events[event_id] = AcledEvent(
                event_id=event_id, line=line, day=parse_date(row.get("event_date") or ""),
                event_type=(row.get("event_type") or "").strip(),
                sub_event_type=(row.get("sub_event_type") or "").strip(),
                sides=[a for a in actors if a], associated=[a for a in associated if a],
                location=(row.get("location") or "").strip(), notes=" ".join((row.get("notes") or "").split()))
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", path=shown, line=reader.line_num) from None
    return rows, list(events.values())


class Importer:
    """Turns ACLED events into engine events with the mapping and the registry."""

    def __init__(self, mapping: Mapping, registry: ActorRegistry) -> None:
        self.mapping, self.registry = mapping, registry
        self.un = {"minusma", *registry.members("minusma"), *registry.members("un-personnel")}
        self.signatories = {member for group in SIGNATORY_GROUPS for member in (group, *registry.members(group))}

    def convert(self, event: AcledEvent) -> list[dict[str, Any]] | str:
        """The engine events of one ACLED event, or the reason it is skipped."""
        if event.day is None:
            return "unreadable event_date"
        kind, sub = normalise(event.event_type), normalise(event.sub_event_type)
        violent = kind in {"battles", "explosions/remote violence", "violence against civilians"}
        chosen = self.mapping.event_types.get(sub) or self.mapping.event_types.get(kind)
        if chosen == "skip" or (not violent and chosen is None):
            return f"event type not mapped: {event.event_type}"
        ids: list[str] = []
        for name in event.sides:
            actor = self.mapping.actor(name, self.registry)
            if actor is None:
                return f"actor not mapped: {_YEARS.sub('', name).strip()}"
            if actor not in self.registry:
                return f"actor not in the registry (yet): {actor}"
            ids.append(actor)
        ied = sub == normalise("Remote explosive/landmine/IED")
        first = ids[0] if ids else "unidentified"
        second = ids[1] if len(ids) > 1 else None
        made: list[dict[str, Any]] = []
        if violent and any(a in self.un for a in ids):
            attacker = next((a for a in ids if a not in self.un), None)
            made.append({"type": "attack", "target": "minusma", **_by(attacker)})
            if ied:
                made.append({"type": "explosive_device", "device": "improvised_explosive_device", **_by(attacker)})
        elif violent and "french-forces" in ids and kind != "violence against civilians":
            if first == "french-forces":
                helped = "minusma" if any(self.mapping.actor(a, self.registry) in self.un
                                          for a in event.associated) else "mdsf"
                made.append({"type": "intervention", "by": "french-forces", "in_support_of": helped})
            else:
                made.append({"type": "attack", "target": "french-forces", **_by(first)})
                if ied:
                    made.append({"type": "explosive_device", "device": "improvised_explosive_device", **_by(first)})
        elif kind == "battles" and second is not None and first in self.signatories and second in self.signatories:
            made.append({"type": "ceasefire_violation", "by": first, "against": second})
        elif kind == "violence against civilians":
            made.append({"type": "attack", "target": "civilians", **_by(first)})
            category = {"abduction/forced disappearance": "arbitrary_detention",
                        "sexual violence": "sexual_violence"}.get(sub)
            if category is not None:
                made.append({"type": "human_rights_violation", "category": category, "against": "civilians",
                             **_by(first)})
        elif ied:
            made.append({"type": "explosive_device", "device": "improvised_explosive_device", **_by(first)})
        elif kind == "battles" and second is not None:
            made.append({"type": "attack", "target": second, **_by(first)})
        elif chosen is not None:
            made.append({"type": chosen, **_by(first)})
        else:
            return f"event type not mapped: {event.event_type} / {event.sub_event_type}"
        for number, item in enumerate(made, start=1):
            item["id"] = event.event_id if number == 1 else f"{event.event_id}-{number}"
            item["at"] = event.day.isoformat()
            item["incident"] = event.event_id
            if event.location:
                item["location"] = event.location[:TEXT_LIMIT]
            if event.notes:
                item["note"] = event.notes[:TEXT_LIMIT]
        return made


def _by(actor: str | None) -> dict[str, str]:
    return {} if actor is None or actor == "unidentified" else {"by": actor}


def import_export(path: Path, registry: ActorRegistry, *, mapping: Mapping | None = None,
                  first: date | None = None, last: date | None = None) -> Outcome:
    """Every row of an ACLED export accounted for: the engine events and the reasons for what was skipped."""
    rows, events = read_export(path)
    importer = Importer(mapping or bundled_mapping(), registry)
    outcome = Outcome(rows=rows, acled_events=len(events))
    for event in sorted(events, key=lambda e: (e.day or date.min, e.event_id)):
        if event.day is not None and ((first is not None and event.day < first)
                                      or (last is not None and event.day > last)):
            outcome.skipped["outside --from/--until"] += 1
            continue
        made = importer.convert(event)
        if isinstance(made, str):
            outcome.skipped[made] += 1
            continue
        outcome.imported += 1
        outcome.events.extend(made)
    return outcome
