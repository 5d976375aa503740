"""What the replay reads from events and says about them: the flat message durable-rules sees for an event, a
rule's ``alias.field`` values, an event's incident, and the sentences of findings (a rule's ``explain``
template filled in)."""

from __future__ import annotations

import functools
import json
import weakref
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from string import Formatter
from typing import TYPE_CHECKING, Any

from ..dates import TWO_DIGITS, Clock, long_date
from ..rulepack.compiler import CompiledRule, FieldRef, Value, list_key, member_key
from ..rulepack.pack import RulePack

if TYPE_CHECKING:
    from ..inputs.registry import ActorRegistry
    from ..inputs.vocabulary import Event

_string = encode_basestring  # the C string encoder: a string's JSON text, quoted
_NOT_MATCHED = frozenset({"at", "note", "id"})


def message_of(event: Event, clock: Clock, tick: int | None = None,
               membership: dict[str, tuple[str, ...]] | None = None,
               reads: frozenset[str] | None = None) -> dict[str, Any]:
    """The flat message durable-rules sees: the event's fields (strings and integers only), its tick, and for
    each actor field a flag per group the rules test that the actor belongs to (see ``member_key``). With
    ``reads`` (the properties a ruleset's tests can read, see :func:`.verdicts.properties_read`), only those and
    ``type``: a property no test names cannot change what durable-rules matches."""
    if reads is not None:
        kept = reads | {"type"}
        return {key: value for key, value in message_of(event, clock, tick, membership).items() if key in kept}
    message: dict[str, Any] = {"t": clock.tick(event.at) if tick is None else tick}
    plan = _PLANS.get(event.__class__)
    if plan is None:
        plan = _PLANS[event.__class__] = _plan(event)
    values = event.__dict__  # the validated fields, without pydantic's iteration cost
    for name, is_actor in plan:
        value = values[name]
        if value is None:
            continue
        if value.__class__ is tuple:
            for item in value:
                message[list_key(name, str(item))] = 1
        else:
            message[name] = value
            if is_actor and membership is not None:
                for group in membership.get(value, ()):
                    message[member_key(name, group)] = 1
    return message


_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}  # per event class: (field, names an actor) of the message


def _plan(event: Event) -> tuple[tuple[str, bool], ...]:
    return tuple((name, name in event.actor_fields) for name in event.__dict__ if name not in _NOT_MATCHED)


MAX_ACTOR_TEXTS = 4096  # (field, actor) texts a replay's MessageWriter remembers before it starts again
_PLAIN, _ACTOR, _LIST = range(3)  # how a field goes into a message: as it is; with its membership flags; items only


class MessageWriter:
    """The JSON text of :func:`message_of`'s message, written straight from an event (no dictionary, no encoder
    run over it): ``_encode(message_of(event, clock, tick, membership, reads))`` without its closing brace, byte
    for byte, to which the session adds the fact's ``sid`` and ``id``. With ``reads``, only the properties the
    ruleset's tests can read (and ``type``) are written: a shorter text for durable-rules to parse, store, return
    in its matches and retract. An actor's value and its membership flags are written once per field and actor
    (as many as the registry has actors), a message's plan once per event class. Also gives what a fact kept for
    joins says (:meth:`says`), from the same fields."""

    def __init__(self, membership: dict[str, tuple[str, ...]] | None, reads: frozenset[str] | None = None) -> None:
        self._membership = membership
        self._reads = None if reads is None else reads | {"type"}
        self._tick = reads is None or "t" in reads  # the message starts with its tick
        self._plans: dict[type, tuple[tuple[str, str, int], ...]] = {}  # per class: (field, '"field":', how)
        self._said: dict[type, tuple[str, ...]] = {}  # per class: the fields of what a fact says (see says)
        self._actors: dict[tuple[str, str], str] = {}  # (field, actor) -> its text (see _actor), bounded

    def text(self, event: Event, tick: int) -> str:
        """The message's JSON text, without its closing brace."""
        plan = self._plans.get(event.__class__)
        if plan is None:
            plan = self._plan(event)
        out = ['{"t":', int.__repr__(tick)] if self._tick else []
        values, actors = event.__dict__, self._actors
        for name, key, how in plan:
            value = values[name]
            if value is None:
                continue
            kind = value.__class__
            if how == _ACTOR and isinstance(value, str):
                known = actors.get((name, value))
                out.append(known if known is not None else self._actor(name, value))
            elif kind is tuple:
                out.extend(self._items(name, value))
            elif how == _LIST:
                continue  # only its items (or flags) are read
            elif kind is str:
                out.append(key + _string(value))
            else:
                out.append(key + _scalar(value))
        if self._tick:
            return "".join(out)
        return "{" + "".join(out)[1:]  # (its type is always written, so there is a first property to open it)

    def _items(self, name: str, value: tuple[Any, ...]) -> list[str]:
        """A list field's items as flags (each once), those the ruleset reads."""
        keys = [list_key(name, item) for item in dict.fromkeys(map(str, value))]
        reads = self._reads
        return ["," + _string(key) + ":1" for key in keys if reads is None or key in reads]

    def says(self, event: Event) -> tuple[Any, ...]:
        """What a fact says, as :meth:`.runtime.Replay.keep_latest_only` compares facts: its type and its fields
        but its instant, id and location (a list field as the set of its items, as its message has them; an
        empty one as none). Two events of a type say the same exactly when their messages are the same but for
        ``t``, ``id`` and ``location``."""
        fields = self._said.get(event.__class__)
        if fields is None:
            fields = self._said[event.__class__] = tuple(name for name in event.__dict__ if name not in _NOT_MATCHED)
        values = event.__dict__
        said: list[Any] = [event.type]
        for name in fields:
            value = values[name]
            if value is None or name == "location":
                continue
            if value.__class__ is tuple:
                if value:
                    said.append((name, frozenset(map(str, value))))
            else:
                said.append((name, value))
        return tuple(said)

    def _plan(self, event: Event) -> tuple[tuple[str, str, int], ...]:
        membership = self._membership is not None
        reads = self._reads
        plan = tuple((name, "," + _string(name) + ":", _ACTOR if membership and name in event.actor_fields
                      else _PLAIN if reads is None or name in reads else _LIST)
                     for name in event.__dict__ if name not in _NOT_MATCHED and (
                         reads is None or name in reads or any(key.startswith(name + "__") for key in reads)))
        self._plans[event.__class__] = plan
        return plan

    def _actor(self, name: str, actor: str) -> str:
        assert self._membership is not None
        reads = self._reads
        flags = [flag for flag in dict.fromkeys(member_key(name, group) for group in self._membership.get(actor, ()))
                 if reads is None or flag in reads]
        text = (("," + _string(name) + ":" + _string(actor) if reads is None or name in reads else "")
                + "".join("," + _string(flag) + ":1" for flag in flags))
        # a registry's actors are far fewer than the bound; events built by hand may name anything
        if len(self._actors) >= MAX_ACTOR_TEXTS:
            self._actors.clear()
        self._actors[(name, actor)] = text
        return text


def _scalar(value: Any) -> str:
    """A value's JSON text as the matcher's encoder writes it (a string, an integer; anything else as ``json``
    writes it, or refuses it)."""
    kind = value.__class__
    if kind is str:
        return _string(value)
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def resolve(value: Value | None, events: dict[str, Event]) -> Any:
    """A rule's value: a literal as it is, an ``alias.field`` reference read from the matched event."""
    if value is None:
        return None
    if isinstance(value, FieldRef):
        return getattr(events[value.alias], value.field, None)
    return value


def incident_of(events: dict[str, Event]) -> str | None:
    """The incident the first matched event that names one names."""
    for event in events.values():
        if event.incident is not None:
            return event.incident
    return None


def clause(sentence: str) -> str:
    """A sentence made a clause: without its final stop, and with a leading article in lower case."""
    sentence = sentence.rstrip(". ")
    for article in ("An ", "A ", "The "):
        if sentence.startswith(article):
            return article.lower() + sentence[len(article):]
    return sentence


def explained(rule: CompiledRule, events: dict[str, Event], pack: RulePack, then: str = "") -> str:
    """What a match says: the paragraph's words and the rule's sentence filled in, then ``then``."""
    return f'Paragraph {rule.paragraph}: "{rule.says}". {fill(rule.explain, events, pack)}{then}'


def eligible(rule: CompiledRule, events: dict[str, Event], pack: RulePack, subject: str, criterion: str) -> str:
    return (f"{explained(rule, events, pack)} {pack.actors.name_of(subject)} is eligible for consideration of "
            f"targeted sanctions under criterion ({criterion}).")


def engaged(rule: CompiledRule, events: dict[str, Event], pack: RulePack, subject: str) -> str:
    return f"{explained(rule, events, pack)} {engagement_sentence(rule.verb, rule.force, pack.actors.name_of(subject))}"


def engaged_because(rule: CompiledRule, events: dict[str, Event], pack: RulePack, says: str, paragraph: str,
                    due: date) -> str:
    return (f'Paragraph {paragraph}: "{" ".join(says.split())}". Engaged because '
            f"{clause(fill(rule.explain, events, pack))}; due {long_date(due)}.")


def fill(template: str, events: dict[str, Event], pack: RulePack) -> str:
    """A rule's ``explain`` sentence with its ``{alias.field}`` placeholders filled in."""
    out = []
    unattributed: frozenset[str] | None = None
    for literal, alias, name in _parsed(template):
        out.append(literal)
        if alias is None:
            continue
        event = events[alias]
        value = getattr(event, name, None)
        if value is None:
            out.append("(not given)" if name != "by" else "an unidentified actor")
        elif name in event.actor_fields:
            if unattributed is None:
                unattributed = _unattributed(pack)
            out.append(pack.actors.name_of(value) if value not in unattributed else "an unidentified actor")
        elif isinstance(value, datetime):
            out.append(_on(value))
        elif isinstance(value, int):
            out.append(f"{value:,}")
        else:
            out.append(str(value))
    text = "".join(out)
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # (printable, a text's only white space is the space: nothing to squeeze)
    first = text[:1]
    return text if first in _CAPITALS else first.upper() + text[1:]


_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # a sentence that starts with one of these is capitalised already


def _on(value: datetime) -> str:
    """An instant in an explanation's words: '29 June 2017', or '29 June 2017 at 15:42 UTC'."""
    moment = value.astimezone(UTC)
    said = long_date(moment.date())
    if moment.hour or moment.minute:
        return f"{said} at {TWO_DIGITS[moment.hour]}:{TWO_DIGITS[moment.minute]} UTC"
    return said


@functools.lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """A template's literal texts and the ``alias.field`` placeholder after each (the rules' templates are few)."""
    parts: list[tuple[str, str | None, str]] = []
    for literal, placeholder, _, _ in Formatter().parse(template):
        if placeholder is None:
            parts.append((literal, None, ""))
        else:
            alias, name = placeholder.split(".", 1)
            parts.append((literal, alias, name))
    return tuple(parts)


_UNATTRIBUTED: weakref.WeakKeyDictionary[ActorRegistry, frozenset[str]] = weakref.WeakKeyDictionary()


_last_unattributed: tuple[weakref.ref[ActorRegistry], frozenset[str]] | None = None  # the last registry asked about


def _unattributed(pack: RulePack) -> frozenset[str]:
    """The actors that stand for no one identified (the group ``unattributed``), per registry of actors (the last
    one asked about at hand: a replay asks about its own, once per explanation)."""
    global _last_unattributed
    actors, last = pack.actors, _last_unattributed
    if last is not None and last[0]() is actors:
        return last[1]
    found = _UNATTRIBUTED.get(actors)
    if found is None:
        found = _UNATTRIBUTED[actors] = frozenset(actors.members("unattributed"))
    _last_unattributed = (weakref.ref(actors), found)
    return found


_COMMON = {"secretary-general", "forces", "government", "council", "representative", "mission", "union", "force",
           "team", "office", "court", "personnel", "defence", "members", "partners", "authorities", "countries"}
# what the Council does to the addressee, by the clause's verb (its first words, in lower case)
_VERB_PHRASES = {
    "urges": "urges {name} to do", "calls upon": "calls upon {name} to do", "calls on": "calls on {name} to do",
    "encourages": "encourages {name} to do", "requests": "requests {name} to do", "demands": "demands of {name}",
    "decides": "decides for {name}", "authorizes": "authorizes {name} to do",
    "reiterates": "reiterates its request to {name} to do",
}
_FORCE_WORDS = {"exhorting": "an exhortation, which binds no one", "binding": "a duty",
                "empowering": "an authorization", "declaratory": "a declaration, which binds no one"}


def the(name: str) -> str:
    """An actor's name as it reads in a sentence: 'the Secretary-General', 'MINUSMA', 'the French forces'."""
    words = {w.lower() for w in name.replace(",", " ").split()}
    return f"the {name}" if name[:1].islower() or words & _COMMON else name


@functools.lru_cache(maxsize=1024)
def engagement_sentence(verb: str, force: str, name: str) -> str:
    """What an engagement engages, in the clause's own verb: 'This engages what the Council urges
    troop- and police-contributing countries to do: an exhortation, which binds no one.'"""
    plain = " ".join(verb.lower().split())
    for prefix in ("further ", "also ", "and "):
        plain = plain.removeprefix(prefix)
    template = _VERB_PHRASES.get(plain, f"{plain} concerning {{name}}")
    return f"This engages what the Council {template.format(name=the(name))}: {_FORCE_WORDS[force]}."
