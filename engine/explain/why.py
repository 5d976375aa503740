"""Why a finding arose: the chain from the paragraph's words to the events that engaged it.

``obligations explain SCENARIO FINDING_ID`` shows, for one finding: the paragraph (its verb, force and full
text) and the words the rule quotes; each match that engaged or changed it (the finding's ``provenance``): the
rule, when, each of its conditions and the event that met it, with the event's time and fields, and how far
apart joined events were against the rule's ``within``; the status history; and the assumptions in force for
the rules involved, with their values and whether they were overridden. ``--json`` prints the same chain.

The helpers here (:func:`replay`, :func:`describe_event`, :func:`parameters_of`) are shared with
:mod:`engine.explain.whynot`.
"""

from __future__ import annotations

import collections
import difflib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..dates import end_in, iso_instant, long_date
from ..errors import InputError
from ..inputs.scenario import Scenario
from ..inputs.vocabulary import Event
from ..light import Light
from ..outputs import jsontext
from ..outputs.report import FindingView, Report
from ..replay.schedules import add
from ..rulepack.pack import RulePack
from ..rulepack.plain import duration_fields, is_duration, is_param
from ..rulepack.rulebook import Duration, Rule
from ..text import escape


@dataclass(frozen=True)
class Replayed:
    """A scenario, its replay and the rule pack with the assumptions that replay used."""

    scenario: Scenario
    report: Report
    pack: RulePack

    @property
    def events(self) -> dict[str, Event]:
        """Every event by id (the event log's too: held in memory; :meth:`events_named` reads only some)."""
        return {e.id: e for e in self.scenario.all_events() if e.id is not None}

    def events_named(self, ids: set[str]) -> dict[str, Event]:
        """The events with these ids, from the file and the event log (streamed: only these are kept)."""
        return {e.id: e for e in self.scenario.all_events() if e.id is not None and e.id in ids}


def replay(engine: Any, scenario: Scenario | Path | str, *, assume: dict[str, Any] | None = None,
           as_of: Any = None) -> Replayed:
    """Replay ``scenario`` with ``engine`` (an :class:`engine.Engine`) and keep the pack it used; with ``as_of``,
    only the events known by then (see :mod:`engine.replay.asof`)."""
    loaded: Scenario = scenario if isinstance(scenario, Scenario) else engine.load(scenario)
    report = engine.run(loaded, assume=assume, as_of=as_of)
    if report.as_of is not None:
        from ..replay.asof import as_of_instant, truncated

        loaded = truncated(loaded, as_of_instant(report.as_of))
    merged = {**loaded.assumptions, **(assume or {})}
    compiled, _ = engine.compiled(merged, path=loaded.path if not assume else "--assume",
                                  lines=dict(loaded.assumption_lines))
    pack: RulePack = compiled.pack
    return Replayed(scenario=loaded, report=report, pack=pack)


# ---- words -----------------------------------------------------------------------------------------------------


def when(moment: datetime) -> str:
    """'14 April 2018 at 14:30 UTC' (the date alone at midnight)."""
    moment = moment.astimezone(UTC)
    day = long_date(moment.date())
    return day if moment.hour == moment.minute == 0 else f"{day} at {moment.strftime('%H:%M')} UTC"


def gap(delta: timedelta) -> str:
    """A length of time in words: '4 days', '3 days and 2 hours', '20 minutes'."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    parts = [unit(n, w) for n, w in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    if not parts:
        return "no time"
    return " and ".join(parts[:2])


def show_value(pack: RulePack, event: Event, name: str, value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show_value(pack, event, name, item) for item in value) or "none"
    if isinstance(value, Enum):
        return str(value.value)
    if name in event.actor_fields:
        return pack.actors.name_of(str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def describe_event(pack: RulePack, event: Event) -> dict[str, Any]:
    """An event as data: id, type, ISO instant, the time in words and its fields (actors by name)."""
    names = [name for name, value in event if name not in ("type", "at", "id") and value is not None]
    names.sort(key=lambda name: (name not in event.actor_fields, name in ("incident", "location", "note")))
    fields = {name: show_value(pack, event, name, getattr(event, name)) for name in names}
    return {"id": event.id, "type": event.type, "at": event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "when": when(event.at), "fields": fields}


def event_line(info: dict[str, Any]) -> str:
    """'tbk-threat: threat on 14 April 2018 at 14:30 UTC (against MINUSMA, level imminent_and_serious, ...)'."""
    fields = ", ".join(f"{k} {escape(v)}" for k, v in info["fields"].items() if k != "note")
    return f"{info['id']}: {info['type']} on {info['when']}" + (f" ({fields})" if fields else "")


# ---- rules and their parameters --------------------------------------------------------------------------------


def _refs(value: Any, out: set[str]) -> None:
    if is_param(value):
        out.add(value.param)
    elif isinstance(value, BaseModel | Light):  # the pack's models are light instances
        for item in value.__dict__.values():
            _refs(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _refs(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _refs(item, out)


def find_rule(pack: RulePack, rule_id: str) -> Rule | None:
    return next((rule for rule, _ in pack.rules if rule.id == rule_id), None)


def parameters_of(pack: RulePack, ids: list[str]) -> list[str]:
    """The parameters that the rules, obligations and authorizations named by ``ids`` depend on (provenance
    rule ids such as ``47/schedule`` and ``37/report/fulfilled`` count for their obligation)."""
    out: set[str] = set()
    seen: set[str] = set()
    todo = list(ids)
    while todo:
        item = todo.pop()
        if item in seen:
            continue
        seen.add(item)
        for suffix in ("/schedule", "/fulfilled"):
            if item.endswith(suffix):
                todo.append(item[: -len(suffix)])
        rule = find_rule(pack, item)
        if rule is not None:
            _refs(rule, out)
            for effect in rule.then:
                for key in ("authorization", "obligation"):
                    target = getattr(effect.body, key, None)
                    if target:
                        todo.append(target)
        if item in pack.obligations:
            obligation = pack.obligations[item][0]
            _refs(obligation, out)
            if obligation.due is not None:
                if obligation.due.aligned_with:
                    todo.append(obligation.due.aligned_with)
                if obligation.due.window:
                    todo.append(obligation.due.window)
        if item in pack.authorizations:
            authorization = pack.authorizations[item][0]
            _refs(authorization, out)  # `lasts`: how long after its threat an act is covered
            todo.append(authorization.window)
        if item in pack.windows:
            _refs(pack.windows[item][0], out)
    return sorted(name for name in out if name in pack.parameters)


def within_of(pack: RulePack, rule: Rule) -> tuple[Duration | None, str | None]:
    """A rule's ``within`` as a duration, and the parameter that sets it (if any)."""
    if rule.within is None:
        return None, None
    name = rule.within.param if is_param(rule.within) else None
    return pack.duration_of(rule.within), name


def joined_in_time(moments: list[datetime], within: Duration) -> bool:
    """Whether joined events fall within ``within`` of the earliest (the runtime's own test)."""
    earliest, latest = min(moments), max(moments)
    limit = datetime.combine(add(earliest.date(), within), earliest.timetz())
    return latest <= limit


def assumption_words(pack: RulePack, report: Report, name: str) -> dict[str, Any]:
    info = report.assumptions.get(name) or {}
    param = pack.parameters[name]
    value = info.get("value", duration_fields(param.value) if is_duration(param.value) else str(param.value))
    return {"name": name, "value": value, "overridden": bool(info.get("overridden", False)),
            "paragraph": pack.parameter_paragraph[name], "says": param.says,
            "reason": " ".join(param.assumption.reason.split()) if param.assumption else None}


def due_ends(pack: RulePack, finding: FindingView) -> dict[str, Any] | None:
    """Where a duty's due day ends, as the replay reckons it: ``{"time_zone", "at"}`` (the end of the due date in
    the obligation's time zone — paragraph 47's reports in New York with the assumption council_time_zone — as an
    ISO UTC instant); None for other findings."""
    if finding.kind != "obligation" or not finding.due:
        return None
    obligation = next((pack.obligations[item][0] for item in (finding.id.split(":", 1)[0], finding.rule)
                       if item in pack.obligations), None)
    if obligation is None:
        return None
    zone = pack.time_zone_of(obligation)
    return {"time_zone": zone, "at": iso_instant(end_in(date.fromisoformat(finding.due), zone))}


# ---- explain ---------------------------------------------------------------------------------------------------


@dataclass
class Explanation:
    """The chain behind one finding."""

    finding: FindingView
    paragraph: dict[str, Any]
    matches: list[dict[str, Any]] = field(default_factory=list)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    scenario: str = ""
    due_ends: dict[str, Any] | None = None  # a duty: where its due day ends (time zone, UTC instant)

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "finding": self.finding.as_dict(), "paragraph": self.paragraph,
                "matches": self.matches, "history": [dict(h) for h in self.finding.history],
                "assumptions": self.assumptions, "due_ends": self.due_ends}

    def to_json(self) -> str:
        return jsontext.dumps(self.as_dict()) + "\n"  # as json.dumps(indent=2), faster

    def render(self) -> str:
        f = self.finding
        kind = f.kind.replace("_", " ") + (f" ({f.criterion})" if f.criterion else "")
        out = [f"{f.id}: {kind} concerning {self.paragraph['subject']}" + (f", {f.status}" if f.status != f.kind
                                                                             else "")]
        facts = [f"opened {_instant(f.opened)}"]
        if f.due:
            ends = self.due_ends
            zone = f" (the day ends in {ends['time_zone']}: {_instant(ends['at'])})" if ends and ends[
                "time_zone"] != "UTC" else ""
            facts.append(f"due {long_date(datetime.fromisoformat(f.due).date())}{zone}")
        if f.closed:
            facts.append(f"closed {_instant(f.closed)}")
        if f.incident:
            facts.append(f"incident {f.incident}")
        out.append("  " + "; ".join(facts))
        out.append("")
        p = self.paragraph
        out.append(f"Paragraph {p['id']} ({p['verb']}: {p['force']}, {p['kind']}), quoted by the rule:")
        out.append(f"  \"{p['quoted']}\"")
        out.append("The paragraph in full:")
        out.append(f"  \"{p['text']}\"")
        out.append("")
        out.append("Why:")
        shown, skipped = _summarized(self.matches)
        if skipped:
            rules = collections.Counter(str(m["summary"]).split(":", 1)[0] for m in self.matches)
            out.append(f"  {len(self.matches):,} matches ({', '.join(f'{r}: {n:,}' for r, n in rules.items())}); "
                       f"the first {EXAMPLES - 1} and the last are shown")
        for number, match in shown:
            if number == len(self.matches) and skipped:
                out.append(f"  ... {skipped:,} more matches like these ...")
            out.append(f"  {number}. {match['summary']}")
            for condition in match["conditions"]:
                out.append(f"     - {condition['as']}: {condition['condition']}")
                if condition.get("event"):
                    out.append(f"       met by {event_line(condition['event'])}")
                else:
                    out.append(f"       met by event {condition['event_id']}")
            if match.get("within"):
                out.append(f"     - {match['within']['words']}")
        out.append("")
        out.append("Status history:")
        steps, skipped = _summarized(list(f.history))
        width = max((len(_instant(step["at"])) for _, step in steps), default=0)
        events = max((len(step.get("event") or "-") for _, step in steps), default=0)
        for number, step in steps:
            if number == len(f.history) and skipped:
                out.append(f"  ... {skipped:,} more steps ...")
            event = step.get("event") or "-"
            out.append(f"  {_instant(step['at']):<{width}}  {step['status']:<11} {event:<{events}}  {step['note']}")
        out.append("")
        if self.assumptions:
            out.append("Assumptions in force for these rules:")
            for a in self.assumptions:
                state = "overridden" if a["overridden"] else "default"
                out.append(f"  {a['name']} = {json.dumps(a['value'])} ({state}; paragraph {a['paragraph']}: "
                           f"\"{a['says']}\")")
        else:
            out.append("No assumption is involved: every value these rules use is fixed by the text.")
        out.append("")
        out.append(f"Explanation: {f.explanation}")
        return "\n".join(out) + "\n"


EXAMPLES = 5  # matches or history steps an explanation shows in full: the first four and the last


def _summarized(items: list[dict[str, Any]]) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """The items to show, numbered from 1, and how many are left out: all of them when there are at most
    :data:`EXAMPLES`, else the first ``EXAMPLES - 1`` and the last (an explanation stays readable however many
    events matched)."""
    numbered = list(enumerate(items, 1))
    if len(numbered) <= EXAMPLES:
        return numbered, 0
    return [*numbered[:EXAMPLES - 1], numbered[-1]], len(numbered) - EXAMPLES


def _instant(iso: str) -> str:
    return when(datetime.fromisoformat(iso.replace("Z", "+00:00")))


def nearest_ids(report: Report, wanted: str, n: int = 3) -> list[str]:
    ids = [f.id for f in report.findings]
    close = difflib.get_close_matches(wanted, ids, n=n, cutoff=0.3)
    prefix = [i for i in ids if i.startswith(wanted) and i not in close]
    return (close + prefix)[:n]


def explain(replayed: Replayed, finding_id: str) -> Explanation:
    """The chain behind finding ``finding_id`` (an :class:`InputError` naming the nearest ids if none has it)."""
    report, pack, scenario = replayed.report, replayed.pack, replayed.scenario
    finding = report.by_id(finding_id)
    if finding is None:
        near = nearest_ids(report, finding_id)
        hint = f"; nearest: {', '.join(near)}" if near else "; this replay has no findings"
        raise InputError(f"no finding {finding_id!r} in this replay{hint}", path=scenario.path)
    paragraph = pack.paragraph(finding.paragraph)
    events = replayed.events_named({c["event"] for entry in finding.provenance for c in entry["conditions"]})
    matches = []
    for entry in finding.provenance:
        rule_id = entry["rule"]
        rule = find_rule(pack, rule_id)
        conditions = []
        bound: list[Event] = []
        for condition in entry["conditions"]:
            event = events.get(condition["event"])
            if event is not None:
                bound.append(event)
            conditions.append({"as": condition["as"], "condition": condition["condition"],
                               "event_id": condition["event"],
                               "event": describe_event(pack, event) if event is not None else None})
        match: dict[str, Any] = {"rule": rule_id, "at": entry["at"], "conditions": conditions}
        if rule is not None:
            match["says"] = " ".join(rule.says.split())
            match["summary"] = f"Rule {rule_id}: \"{match['says']}\", matched on {_instant(entry['at'])}:"
            duration, param = within_of(pack, rule)
            if duration is not None and len(bound) > 1:
                moments = [e.at for e in bound]
                apart = gap(max(moments) - min(moments))
                source = f" (assumption {param})" if param and pack.parameters[param].assumption else (
                    f" (parameter {param})" if param else "")
                match["within"] = {"limit": duration.describe(), "parameter": param, "apart": apart,
                                   "words": f"within {duration.describe()}{source}: {apart} apart"}
        elif rule_id.endswith("/schedule"):
            match["says"] = " ".join(pack.obligations[rule_id[: -len("/schedule")]][0].says.split())
            match["summary"] = f"The schedule of {rule_id[: -len('/schedule')]} opened it on {_instant(entry['at'])}."
        elif rule_id.endswith("/fulfilled"):
            obligation = pack.obligations[rule_id[: -len("/fulfilled")]][0]
            match["says"] = " ".join(obligation.says.split())
            match["summary"] = f"An act answering {obligation.id} came on {_instant(entry['at'])}:"
        else:
            match["says"] = ""
            match["summary"] = f"Rule {rule_id} on {_instant(entry['at'])}:"
        matches.append(match)
    names = parameters_of(pack, [finding.rule, *(entry["rule"] for entry in finding.provenance)])
    assumptions = [assumption_words(pack, report, name) for name in names if pack.parameters[name].assumption]
    quoted = next((m["says"] for m in matches if m.get("says")), " ".join(paragraph.text.split()))
    reading = paragraph.reading(pack.clause_of(finding.rule))  # the verb and force of the finding's own clause
    return Explanation(
        finding=finding, scenario=scenario.name,
        paragraph={"id": paragraph.id, "verb": reading[0], "force": str(reading[1]),
                   "kind": str(paragraph.kind), "quoted": quoted, "text": " ".join(paragraph.text.split()),
                   "subject": pack.actors.name_of(finding.subject)},
        matches=matches, assumptions=assumptions, due_ends=due_ends(pack, finding),
    )
