"""What a replay reports, and its two renderings: a readable table and the JSON contract.

JSON contract (additive changes only): a top-level object with ``scenario``, ``resolution``, ``start``,
``until``, ``assumptions`` and ``findings``; each finding has ``id``, ``paragraph``, ``rule``, ``kind``,
``subject``, ``status``, ``opened`` and ``closed`` (ISO 8601 UTC instants, ``closed`` null while open),
``due`` (an ISO date, the last day in time, or null), ``events`` (ids of the events that caused or closed it),
``criterion`` (paragraph 4's letter, else null), ``incident`` (or null), ``explanation`` (a sentence that
quotes the paragraph), ``provenance`` (each match that engaged it: the rule, when, and for each of the rule's
conditions the event that met it), ``history`` (each status change, when, and the event that caused it) and
``days_late`` (for a duty answered after its due date, by how many days; else null).
Findings are ordered by opening instant, then by the paragraph's place in the
resolution, then by id. Output is byte-identical for identical inputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from ..dates import SECONDS_PER_DAY, TWO_DIGITS, Clock, human_instant, iso_instant
from ..inputs.scenario import Scenario
from ..replay.ledger import Evidence, Finding, Ledger, Step
from ..rulepack.pack import RulePack
from ..rulepack.plain import duration_fields, is_duration
from . import jsontext

SCHEMA_VERSION = 1
_PAD1, _PAD2, _PAD3 = ("\n" + n * jsontext.INDENT for n in (1, 2, 3))  # indentation: keys, findings, their keys
_PIECES = 256  # pieces gathered before :meth:`Report.json_pieces` yields them as one text (two a finding or a note:
# texts of about a quarter of a megabyte, which the command line checks and writes while they are in the cache)


@dataclass(frozen=True)
class FindingView:
    """A finding as reported (instants as ISO text)."""

    id: str
    paragraph: str
    rule: str
    kind: str
    subject: str
    status: str
    opened: str
    due: str | None
    closed: str | None
    events: tuple[str, ...]
    criterion: str | None
    incident: str | None
    explanation: str
    provenance: tuple[dict[str, Any], ...] = ()
    history: tuple[dict[str, Any], ...] = ()
    days_late: int | None = None  # an obligation answered after its due date: by how many days
    answered_by: str | None = None  # an obligation: the id of the act (report) that answered this period

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "paragraph": self.paragraph, "rule": self.rule, "kind": self.kind,
            "subject": self.subject, "status": self.status, "opened": self.opened, "due": self.due,
            "closed": self.closed, "events": list(self.events), "criterion": self.criterion,
            "incident": self.incident, "explanation": self.explanation,
            "provenance": [dict(p) for p in self.provenance], "history": [dict(h) for h in self.history],
            "days_late": self.days_late,
            "answered_by": self.answered_by,
        }


    def write_json(self, emit: Callable[[str], None]) -> None:
        """Emit the text of :meth:`as_dict` as an item of the report's ``findings`` (what ``json.dumps`` would write
        there), without making the dictionary."""
        t, pad = jsontext.text, _PAD3
        emit(f'{{{pad}"id": {t(self.id)},{pad}"paragraph": {t(self.paragraph)},{pad}"rule": {t(self.rule)},'
             f'{pad}"kind": {t(self.kind)},{pad}"subject": {t(self.subject)},{pad}"status": {t(self.status)},'
             f'{pad}"opened": {t(self.opened)},{pad}"due": {t(self.due)},{pad}"closed": {t(self.closed)},'
             f'{pad}"events": {jsontext.strings(self.events, pad)},{pad}"criterion": {t(self.criterion)},'
             f'{pad}"incident": {t(self.incident)},{pad}"explanation": {t(self.explanation)},{pad}"provenance": ')
        jsontext.write([dict(p) for p in self.provenance], pad, emit)
        emit(f',{pad}"history": ')
        jsontext.write([dict(h) for h in self.history], pad, emit)
        emit(f',{pad}"days_late": {t(self.days_late, pad)},{pad}"answered_by": {t(self.answered_by)}{_PAD2}}}')


@dataclass(frozen=True)
class Report:
    """The findings of one replay, with what produced them."""

    scenario: str
    resolution: str
    start: str
    until: str
    assumptions: dict[str, Any]
    events: int
    findings: Sequence[FindingView]  # a tuple, or the replay's :class:`FindingViews`
    stats: dict[str, Any]  # run statistics and what acted (not part of the JSON contract)
    as_of: str | None = None  # an as-of replay: the last instant seen (ISO); in the JSON only when set
    notes: tuple[dict[str, Any], ...] = ()  # what the replay saw but the resolution does not govern


    def as_dict(self) -> dict[str, Any]:
        return self._document([f.as_dict() for f in self.findings])

    def _document(self, findings: list[dict[str, Any]],
                  notes: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The report's document, with ``findings``; its notes copied, unless given (as they are to be written)."""
        return {
            "schema": SCHEMA_VERSION,
            "scenario": self.scenario,
            "resolution": self.resolution,
            "start": self.start,
            "until": self.until,
            "assumptions": self.assumptions,
            "event_count": self.events,
            "findings": findings,
            "notes": [dict(n) for n in self.notes] if notes is None else notes,
        } | ({"as_of": self.as_of} if self.as_of is not None else {})

    def to_json(self) -> str:
        """The JSON contract: ``json.dumps(self.as_dict(), indent=2, ensure_ascii=False)`` and a newline."""
        return "".join(self.json_pieces())

    def json_pieces(self) -> Iterator[str]:
        """:meth:`to_json` in pieces, each finding's dictionary made only while it is written (a long report is
        never held whole, as text or as dictionaries)."""
        head = self._document([], self.notes)  # the findings are written in their place, one at a time
        out: list[str] = []
        emit = out.append
        emit("{")
        for number, (key, value) in enumerate(head.items()):
            emit("," + _PAD1 if number else _PAD1)
            emit(jsontext.string(key) + ": ")
            if key == "notes":
                if not value:
                    emit("[]")
                    continue
                separator = "[" + _PAD2
                for text in _note_texts(value):
                    emit(separator)
                    emit(text)
                    separator = "," + _PAD2
                    if len(out) > _PIECES:
                        yield "".join(out)
                        out.clear()
                emit(_PAD1 + "]")
            elif key != "findings":
                jsontext.write(value, _PAD1, emit)
            elif not self.findings:
                emit("[]")
            else:
                emit("[")
                separator = _PAD2
                if isinstance(self.findings, FindingViews):  # a replay's findings: written from the ledger's own
                    writer = _Writer(self.findings.clock)
                    for raw in self.findings.ledger_findings:
                        emit(separator)
                        emit(writer.finding(raw))
                        separator = "," + _PAD2
                        if len(out) > _PIECES:
                            yield "".join(out)
                            out.clear()
                else:
                    for finding in self.findings:
                        emit(separator)
                        finding.write_json(emit)
                        separator = "," + _PAD2
                        if len(out) > _PIECES:
                            yield "".join(out)
                            out.clear()
                emit(_PAD1 + "]")
        emit("\n}\n")
        yield "".join(out)

    def by_id(self, finding_id: str) -> FindingView | None:
        return next((f for f in self.findings if f.id == finding_id), None)


def build_report(pack: RulePack, scenario: Scenario, ledger: Ledger, clock: Clock, stats: dict[str, Any],
                 as_of: datetime | None = None) -> Report:
    order = {p.id: i for i, p in enumerate(pack.paragraphs)}

    findings = sorted(ledger.findings.values(), key=lambda f: (f.opened, order.get(f.paragraph, 10_000), f.id))
    assumptions = {
        name: {
            "value": _plain(param.value),
            "overridden": name in pack.overridden,
            "paragraph": pack.parameter_paragraph[name],
            "says": param.says,
        }
        for name, param in sorted(pack.assumptions().items())
    }
    iso = _Instants(clock)  # (notes share instants: an event not governed by several rules has a note per rule)
    return Report(scenario=scenario.name, resolution=pack.manifest.resolution, start=scenario.start.isoformat(),
                  until=scenario.until.isoformat(), assumptions=assumptions, events=scenario.event_count,
                  findings=FindingViews(findings, clock), stats=stats,
                  as_of=iso_instant(as_of) if as_of is not None else None,
                  notes=tuple({"kind": n.kind, "paragraph": n.paragraph, "rule": n.rule, "event": n.event,
                               "at": iso(n.tick), "reason": n.reason}
                              for n in sorted(ledger.notes.values(),
                                              key=lambda n: (n.tick, order.get(n.paragraph, 10_000), n.rule, n.event))))


class FindingViews(Sequence[FindingView]):
    """A report's findings, each view made when it is asked for: a long report keeps the replay's findings (compact:
    ticks, tuples) and never every view at once (ISO texts, dictionaries). Compares equal to a tuple of the same
    views. The findings must not change after the report is made (a replay's ledger does not)."""

    __slots__ = ("_clock", "_findings", "_iso")

    def __init__(self, findings: Sequence[Finding], clock: Clock) -> None:
        self._findings, self._clock = tuple(findings), clock
        self._iso = _Instants(clock)

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def ledger_findings(self) -> tuple[Finding, ...]:
        """The replay's findings themselves, in the report's order."""
        return self._findings

    def __len__(self) -> int:
        return len(self._findings)

    @overload
    def __getitem__(self, index: int) -> FindingView: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[FindingView, ...]: ...

    def __getitem__(self, index: int | slice) -> FindingView | tuple[FindingView, ...]:
        if isinstance(index, slice):
            return tuple(_view(f, self._clock, self._iso) for f in self._findings[index])
        return _view(self._findings[index], self._clock, self._iso)

    def __iter__(self) -> Iterator[FindingView]:
        clock, iso = self._clock, self._iso
        return (_view(f, clock, iso) for f in self._findings)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FindingViews | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"FindingViews({len(self)} findings)"


def _view(f: Finding, clock: Clock, iso: Callable[[int], str] | None = None) -> FindingView:
    """A finding of the replay as reported (instants as ISO text)."""
    if iso is None:
        iso = _Instants(clock)
    return FindingView(
        id=f.id, paragraph=f.paragraph, rule=f.rule, kind=str(f.kind), subject=f.subject, status=str(f.status),
        opened=iso(f.opened), due=f.due.isoformat() if f.due else None,
        closed=iso(f.closed) if f.closed is not None else None,
        events=tuple(f.events), criterion=f.criterion, incident=f.incident, explanation=f.explanation,
        provenance=tuple(
            {"rule": e.rule, "at": iso(e.tick),
             "conditions": [{"as": a, "event": ev, "type": t, "condition": c} for a, ev, t, c in e.conditions]}
            for e in f.provenance
        ),
        history=tuple(
            {"at": iso(h.tick), "status": str(h.status), "event": h.event, "note": h.note}
            for h in f.history
        ),
        days_late=f.days_late,
        answered_by=f.answered_by,
    )


class _Instants:
    """A replay's ticks as the report writes them (ISO text), each written once: findings share their instants
    (a match engages several, a deadline settles many at the same midnight)."""

    __slots__ = ("_clock", "_texts")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._texts: dict[int, str] = {}

    def __call__(self, tick: int) -> str:
        text = self._texts.get(tick)
        if text is None:
            if len(self._texts) >= _KEPT:
                self._texts.clear()
            text = self._texts[tick] = _iso(self._clock.moment(tick))
        return text


_KEPT = 4096  # instants and evidence texts remembered while a report is written (then forgotten, and again)
_PAD4, _PAD5, _PAD6, _PAD7 = ("\n" + n * jsontext.INDENT for n in (4, 5, 6, 7))


class _Writer:
    """The JSON text of a replay's findings, written from the ledger's findings without making their views:
    the text :meth:`FindingView.write_json` writes for ``_view(finding)``, byte for byte.

    Most of a finding's text recurs: its paragraph, rule, kind, subject and status (a few hundred combinations in
    a long replay), a match's evidence but its instant and events (the rule and its conditions), a step's status
    and note, an instant shared by the findings of one match. Each of those texts is made once and remembered (the
    last :data:`_KEPT` of each kind, then forgotten and made again); only what is a finding's own (its id, events
    and explanation) is encoded each time."""

    def __init__(self, clock: Clock) -> None:
        self._moment = clock.moment
        origin = clock.origin
        # a clock whose ticks count from a midnight UTC (a replay's): an instant's text is its day's and its time's
        self._by_day = type(clock) is Clock and origin.tzinfo is UTC and not (
            origin.hour or origin.minute or origin.second or origin.microsecond)
        self._days: dict[int, str] = {}  # day since the origin -> the text of its instants up to the time
        self._instants: dict[int, str] = {}  # tick -> its JSON text (quoted ISO)
        self._lone: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}  # (rule, as, type, condition) of
        # an evidence of one condition -> its text around its instant and its event
        self._heads: dict[tuple[str, str, str, str, str], str] = {}  # (paragraph, ..., status) -> their text
        self._conditions: dict[tuple[str, str, str], tuple[str, str]] = {}  # (as, type, condition) -> around event
        self._steps: dict[tuple[str, str], tuple[str, str]] = {}  # (status, note) -> around the step's event

    def _at(self, tick: int) -> str:
        """A tick's JSON text: its ISO instant, quoted (an ISO instant has nothing JSON escapes)."""
        text = self._instants.get(tick)
        if text is None:
            if len(self._instants) >= _KEPT:
                self._instants.clear()
                self._days.clear()
            day, second = divmod(tick, SECONDS_PER_DAY)
            start = self._days.get(day) if self._by_day else None
            if start is not None:
                two = TWO_DIGITS
                text = f'{start}{two[second // 3600]}:{two[second // 60 % 60]}:{two[second % 60]}Z"'
            else:
                text = jsontext.string(_iso(self._moment(tick)))
                if self._by_day and len(text) == 22 and text[11] == "T":  # '"YYYY-MM-DDTHH:MM:SSZ"'
                    self._days[day] = text[:12]
            self._instants[tick] = text
        return text

    def finding(self, f: Finding) -> str:
        # texts the ledger always holds as strings by s (the C string encoder); what may be null or a number by t
        s, pad = jsontext.string, _PAD3
        kind, status = f.kind, f.status
        key = (f.paragraph, f.rule, kind, f.subject, status)
        head = self._heads.get(key)
        if head is None:
            if len(self._heads) >= _KEPT:
                self._heads.clear()
            head = self._heads[key] = (
                f',{pad}"paragraph": {s(f.paragraph)},{pad}"rule": {s(f.rule)},{pad}"kind": {s(str(kind))},'
                f'{pad}"subject": {s(f.subject)},{pad}"status": {s(str(status))},{pad}"opened": ')
        instants = self._instants
        opened = instants.get(f.opened) or self._at(f.opened)
        closed = "null" if f.closed is None else instants.get(f.closed) or self._at(f.closed)
        events = f.events
        if len(events) == 1 and type(events[0]) is str:
            events_text = f"[{_PAD4}{s(events[0])}{pad}]"
        else:
            events_text = jsontext.strings(events, pad)
        criterion, incident, days_late, answered_by = f.criterion, f.incident, f.days_late, f.answered_by
        tail = _TAIL if days_late is None and answered_by is None else (
            f',{pad}"days_late": {jsontext.text(days_late)},{pad}"answered_by": {jsontext.text(answered_by)}'
            f'{_PAD2}}}')
        return (f'{{{pad}"id": {s(f.id)}{head}{opened},'
                f'{pad}"due": {s(f.due.isoformat()) if f.due else "null"},{pad}"closed": {closed},'
                f'{pad}"events": {events_text},'
                f'{pad}"criterion": {"null" if criterion is None else jsontext.text(criterion)},'
                f'{pad}"incident": {"null" if incident is None else jsontext.text(incident)},'
                f'{pad}"explanation": {s(f.explanation)},{pad}"provenance": {self._provenance(f.provenance)},'
                f'{pad}"history": {self._history(f.history)}{tail}')

    def _provenance(self, provenance: list[Evidence]) -> str:
        if not provenance:
            return "[]"
        if len(provenance) == 1:
            return f"[{_PAD4}{self._one_evidence(provenance[0])}{_PAD3}]"
        return "[" + _PAD4 + ("," + _PAD4).join([self._one_evidence(e) for e in provenance]) + _PAD3 + "]"

    def _one_evidence(self, evidence: Evidence) -> str:
        s = jsontext.string  # (an evidence's texts are all strings)
        at = self._instants.get(evidence.tick) or self._at(evidence.tick)
        conditions = evidence.conditions
        if len(conditions) == 1:  # most matches: one event met the rule's one condition
            a, ev, kind, c = conditions[0]
            around = self._lone.get((evidence.rule, a, kind, c)) or self._lone_around(evidence.rule, a, kind, c)
            return f"{around[0]}{at}{around[1]}{s(ev)}{around[2]}"
        if conditions:
            memo = self._conditions
            texts = []
            for a, ev, kind, c in conditions:
                around2 = memo.get((a, kind, c))
                if around2 is None:
                    if len(memo) >= _KEPT:
                        memo.clear()
                    around2 = memo[a, kind, c] = (
                        f'{{{_PAD7}"as": {s(a)},{_PAD7}"event": ',
                        f',{_PAD7}"type": {s(kind)},{_PAD7}"condition": {s(c)}{_PAD6}}}')
                texts.append(around2[0] + s(ev) + around2[1])
            written = "[" + _PAD6 + ("," + _PAD6).join(texts) + _PAD5 + "]"
        else:
            written = "[]"
        return f'{{{_PAD5}"rule": {s(evidence.rule)},{_PAD5}"at": {at},{_PAD5}"conditions": {written}{_PAD4}}}'

    def _lone_around(self, rule: str, a: str, kind: str, condition: str) -> tuple[str, str, str]:
        """The text of an evidence of one condition, but its instant and its event (remembered)."""
        s = jsontext.string
        if len(self._lone) >= _KEPT:
            self._lone.clear()
        around = self._lone[rule, a, kind, condition] = (
            f'{{{_PAD5}"rule": {s(rule)},{_PAD5}"at": ',
            f',{_PAD5}"conditions": [{_PAD6}{{{_PAD7}"as": {s(a)},{_PAD7}"event": ',
            f',{_PAD7}"type": {s(kind)},{_PAD7}"condition": {s(condition)}{_PAD6}}}{_PAD5}]{_PAD4}}}')
        return around

    def _history(self, history: list[Step]) -> str:
        if not history:
            return "[]"
        if len(history) == 1:
            return f"[{_PAD4}{self._step(history[0])}{_PAD3}]"
        return "[" + _PAD4 + ("," + _PAD4).join([self._step(h) for h in history]) + _PAD3 + "]"

    def _step(self, step: Step) -> str:
        around = self._steps.get((step.status, step.note)) or self._step_around(step.status, step.note)
        return (f'{{{_PAD5}"at": {self._instants.get(step.tick) or self._at(step.tick)}{around[0]}'
                f'{jsontext.text(step.event)}{around[1]}')

    def _step_around(self, status: str, note: str) -> tuple[str, str]:
        """The text of a step, but its instant and its event (remembered)."""
        if len(self._steps) >= _KEPT:
            self._steps.clear()
        s, pad = jsontext.string, _PAD5
        around = self._steps[status, note] = (f',{pad}"status": {s(str(status))},{pad}"event": ',
                                              f',{pad}"note": {s(note)}{_PAD4}}}')
        return around


_TAIL = f',{_PAD3}"days_late": null,{_PAD3}"answered_by": null{_PAD2}}}'  # a finding's end, both null


_NOTE_KEYS = ("kind", "paragraph", "rule", "event", "at", "reason")  # a note's keys, as build_report makes them


def _note_texts(notes: Sequence[dict[str, Any]]) -> Iterator[str]:
    """The text of each of the report's notes, as ``jsontext.text(dict(note), _PAD2)`` writes it: a note of its
    six keys in their order, all texts, at once from a template, its kind, paragraph and rule as the last note of
    the same three had them; any other note as ``jsontext`` writes it."""
    s, pad = jsontext.string, _PAD3
    heads: dict[tuple[str, str, str], str] = {}  # (kind, paragraph, rule) -> their text (few: one per rule)
    for note in notes:
        if type(note) is dict and tuple(note) == _NOTE_KEYS:
            kind, paragraph, rule, event, at, reason = note.values()
            try:  # (the string encoder refuses what is not text, as the memo refuses what does not hash)
                head = heads.get((kind, paragraph, rule))
                if head is None:
                    if len(heads) >= _KEPT:
                        heads.clear()
                    head = heads[kind, paragraph, rule] = (f'{{{pad}"kind": {s(kind)},{pad}"paragraph": {s(paragraph)},'
                                                           f'{pad}"rule": {s(rule)},{pad}"event": ')
                yield f'{head}{s(event)},{pad}"at": {s(at)},{pad}"reason": {s(reason)}{_PAD2}}}'
                continue
            except TypeError:
                pass
        yield jsontext.text(dict(note), _PAD2)


def _iso(moment: datetime) -> str:
    """:func:`iso_instant`, faster for the replay's own instants (UTC, a year of four digits)."""
    if moment.tzinfo is UTC and moment.year >= 1000:
        return moment.isoformat()[:19] + "Z"
    return iso_instant(moment)


def _plain(value: Any) -> Any:
    if is_duration(value):
        return duration_fields(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


COLUMNS = ("id", "¶", "kind", "subject", "status", "opened", "due", "closed", "events")


def render_table(report: Report, *, total: int | None = None, selection: str = "") -> str:
    """The findings as an aligned text table, followed by their explanations. ``total`` and ``selection``: the
    report was narrowed from ``total`` findings by the filters ``selection`` describes."""
    count = len(report.findings) if total is None else total
    lines = [
        f"Scenario: {report.scenario}",
        f"Resolution {report.resolution}, replayed {report.start} to {report.until}: "
        f"{report.events} event{'s' if report.events != 1 else ''}, "
        f"{count} finding{'s' if count != 1 else ''}"
        + (f"; {len(report.findings)} shown ({selection})" if selection else ""),
    ]
    if report.as_of is not None:
        lines.append(f"As known at {report.as_of}: only the events up to then, nothing settled after")
    overridden = [f"{k}={json.dumps(v['value'])}" for k, v in report.assumptions.items() if v["overridden"]]
    if overridden:
        lines.append("Assumptions overridden: " + ", ".join(overridden))
    lines.append("")
    if not report.findings:
        lines.append("No finding passes the filters." if selection else "No provision was engaged.")
        lines.extend(_note_lines(report))
        return "\n".join(lines) + "\n"
    rows, why = [], []
    for f in report.findings:  # once: a replay's views are made as they are read
        kind = f.kind + (f" ({f.criterion})" if f.criterion else "")
        rows.append((f.id, f.paragraph, kind, f.subject, f.status, _short(f.opened), f.due or "-",
                     _short(f.closed) if f.closed else "-", ",".join(f.events) or "-"))
        why.append(f"  {f.id}: {f.explanation}")
    lines.extend(aligned_table(COLUMNS, rows))
    lines.append("")
    lines.append("Why:")
    lines.extend(why)
    lines.extend(_note_lines(report))
    return "\n".join(lines) + "\n"


def _note_lines(report: Report) -> list[str]:
    """The notes: events the resolution saw but does not govern (not findings)."""
    if not report.notes:
        return []
    return ["", "Notes (not findings):"] + [f"  {n['kind']} ¶{n['paragraph']} ({n['rule']}): {n['reason']}."
                                            for n in report.notes]


def aligned_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Rows under an upper-case header, columns padded to their widest cell (the last column is not padded)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    widths[-1] = len(header[-1])
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return lines


def _short(instant: str) -> str:
    """An instant of the report (ISO text) as :func:`human_instant` writes it: read off the text when it has the
    report's own form (``YYYY-MM-DDTHH:MM:SSZ``), else parsed."""
    if len(instant) == 20 and instant[10] == "T" and instant[19] == "Z" and instant[4] == "-":
        return instant[:10] if instant[11:19] == "00:00:00" else f"{instant[:10]} {instant[11:16]}"
    return human_instant(datetime.fromisoformat(instant.replace("Z", "+00:00")))
