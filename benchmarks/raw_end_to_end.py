"""The raw end-to-end baseline of ``end_to_end.py`` item 1: durable-rules alone, in a fresh process, from file to
output.

    python benchmarks/raw_end_to_end.py SCENARIO.json RULESET.json > matches.json

What ``obligations run --json`` does end to end, with nothing but durable-rules and the standard library: start
Python and import durable-rules; read SCENARIO.json with :mod:`json`; turn each event into the flat message the
ruleset tests (the event's fields with its type's defaults, a list's items and each actor's groups as flags, the
integer tick ``t`` in seconds since the adoption, an id whose 32-bit FNV-1a hash no earlier id has); post it with
``Host.post`` on RULESET.json's ruleset (the pack's compiled rules of paragraphs 4, 16, 37, 47 and 48, written by
``end_to_end.py`` with what the messages need); collect every match (the rule, the ids of the events it joined);
and write the matches as JSON to standard output. No validation, no clock, no findings, no explanations: the
floor under reading, matching and writing the same events.

RULESET.json: ``{"ruleset": {RULE: {...}}, "origin": ISO, "defaults": {TYPE: {FIELD: VALUE}}, "actor_fields":
{TYPE: [FIELD]}, "membership": {ACTOR: [GROUP]}, "dropped": [FIELD]}``. It does not import the engine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from durable import engine as dr

FNV_OFFSET, FNV_PRIME, FNV_MASK = 0x811C9DC5, 0x01000193, 0xFFFFFFFF  # 32-bit FNV-1a: how durable-rules hashes ids


def fnv1a_32(text: str) -> int:
    value = FNV_OFFSET
    for byte in text.encode():
        value = ((value ^ byte) * FNV_PRIME) & FNV_MASK
    return value


class Matches:
    """Every match, as the actions see them: [rule, [event ids]]."""

    def __init__(self) -> None:
        self.found: list[list[Any]] = []
        self.event_of: dict[str, str] = {}  # message id -> the event's id in the file

    def action(self, rule: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            facts = c._m.values() if hasattr(c, "_m") else [m._d for m in c.m]
            self.found.append([rule, [self.event_of.get(f.get("id"), f.get("id")) for f in facts]])
        return record


class QuietHost(dr.Host):
    """A Host without its background timer threads (they rearm themselves and read the wall clock)."""

    def __init__(self, matches: Matches) -> None:
        self.matches = matches
        super().__init__()

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self.matches.action(action_name)


def messages(events: list[dict[str, Any]], plan: dict[str, Any], matches: Matches) -> list[dict[str, Any]]:
    origin = datetime.fromisoformat(plan["origin"].replace("Z", "+00:00"))
    defaults, actor_fields, membership = plan["defaults"], plan["actor_fields"], plan["membership"]
    dropped = set(plan["dropped"])
    hashes: set[int] = set()
    serial = 0
    out = []
    for event in events:
        delta = datetime.fromisoformat(event["at"].replace("Z", "+00:00")) - origin
        message: dict[str, Any] = {"t": delta.days * 86_400 + delta.seconds}
        kind = event["type"]
        actors = actor_fields.get(kind, ())
        for name, value in {**defaults.get(kind, {}), **event}.items():
            if name in dropped or value is None:
                continue
            if isinstance(value, list):
                for item in value:
                    message[f"{name}__{item}"] = 1
                continue
            message[name] = value
            if name in actors:
                for group in membership.get(value, ()):
                    message[f"{name}__member_of__{group}"] = 1
        while fnv1a_32(f"m{serial}") in hashes:
            serial += 1
        hashes.add(fnv1a_32(f"m{serial}"))
        message["id"] = f"m{serial}"
        matches.event_of[message["id"]] = event["id"]
        out.append(message)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: raw_end_to_end.py SCENARIO.json RULESET.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as text:
        scenario = json.load(text)
    with open(argv[1], encoding="utf-8") as text:
        plan = json.load(text)
    matches = Matches()
    host = QuietHost(matches)
    host.set_rulesets({"raw": plan["ruleset"]})
    for message in messages(scenario["events"], plan, matches):
        try:  # noqa: SIM105 (a context manager per message would slow the baseline)
            host.post("raw", message)
        except (dr.MessageNotHandledException, dr.MessageObservedException):
            pass
    sys.stdout.write(json.dumps({"matches": matches.found}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
