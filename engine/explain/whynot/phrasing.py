"""The words of a why-not answer: event types as nouns, fields as prepositions, actors as they read in a
sentence ("the Secretary-General", "MINUSMA"), and an event in one short line."""

from __future__ import annotations

from typing import Any

from ...inputs.vocabulary import Event
from ...rulepack.pack import RulePack
from ..why import describe_event, event_line

NOUNS = {"intervention_request": "request", "ceasefire_violation": "ceasefire violation"}
PREPOSITIONS = {"by": "by", "to": "to", "against": "against", "target": "on", "in_support_of": "in support of",
                "incident": "for incident"}
TYPE_PREPOSITIONS = {("intervention_request", "by"): "from"}
ADJECTIVES = ("level", "kind")  # enumerations read as adjectives: "an imminent and serious threat"
COMMON_NOUNS = {"secretary-general", "forces", "government", "council", "representative", "mission", "union",
                "force", "team", "office", "court", "personnel", "defence", "members", "partners", "authorities"}


def noun(event_type: str) -> str:
    return NOUNS.get(event_type, event_type.replace("_", " "))


def preposition(event_type: str, name: str) -> str:
    return TYPE_PREPOSITIONS.get((event_type, name), PREPOSITIONS.get(name, name.replace("_", " ")))


def actor_phrase(pack: RulePack, actor_id: str) -> str:
    """An actor's name as it reads in a sentence: 'the Secretary-General', 'MINUSMA', 'the French forces'."""
    name = pack.actors.name_of(actor_id)
    words = {w.lower() for w in name.replace(",", " ").split()}
    if name[:1].islower() or words & COMMON_NOUNS:
        return f"the {name}"
    return name


def group_phrase(pack: RulePack, group: str) -> str:
    """'MINUSMA' for an actor's id; 'an international presence' for a tag."""
    if group in pack.actors.by_id:
        return actor_phrase(pack, group)
    words = group.replace("-", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def words(value: Any) -> str:
    text = str(getattr(value, "value", value))
    return text.replace("_", " ")


def short_event(pack: RulePack, event: Event) -> str:
    return event_line(describe_event(pack, event))
