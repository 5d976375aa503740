"""``obligations import acled FILE.csv [-o OUT.yaml|OUT.json|OUT.jsonl] [--mapping MAP.yaml] [--from DATE]
[--until DATE] [--json]``: an ACLED export made a scenario (see :mod:`engine.inputs.acled`).

The scenario goes to ``-o`` (written whole: a temporary file, then renamed), or to standard output as YAML.
``.jsonl`` writes the events alone, as an event log for a scenario's ``events_from``. The summary — rows, distinct
ACLED events, imported, skipped by reason, with ``imported + sum(skipped) == events`` — goes to standard error in
words, or to standard output as JSON with ``--json`` (which then needs ``-o``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from datetime import date
    from typing import Any


def add_commands(sub: Any) -> None:
    sub.add_parser("import", help="turn event data into a scenario (ACLED exports)").later(_sources)


def _sources(imports: argparse.ArgumentParser) -> None:
    sources = imports.add_subparsers(dest="source", required=True, parser_class=type(imports))
    acled = sources.add_parser("acled", help="an ACLED CSV export (dyadic or monadic) as a scenario")
    acled.add_argument("export", metavar="FILE.csv")
    acled.add_argument("-o", "--output", metavar="OUT", help="OUT.yaml, OUT.json, or OUT.jsonl (an event log)")
    acled.add_argument("--mapping", metavar="MAP.yaml", help="actor names and event types added to the bundled ones")
    acled.add_argument("--from", dest="first", type=_day, metavar="DATE", help="skip events before DATE")
    acled.add_argument("--until", dest="last", type=_day, metavar="DATE", help="skip events after DATE")
    acled.add_argument("--json", action="store_true", help="print the summary as JSON on standard output")


def _day(text: str) -> date:
    from datetime import date  # here, not above: `obligations --help` imports this module

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def dispatch(engine: Any, args: argparse.Namespace, out: Callable[[str], None], err: Callable[[str], Any]) -> int:
    import json

    from ..inputs.acled import bundled_mapping, import_export
    from ..inputs.checking import EventChecker
    from ..inputs.sources import LineMap, load
    from ..outputs.files import check_target, write_whole

    suffix = Path(args.output).suffix.lower() if args.output else ".yaml"
    if suffix not in (".yaml", ".yml", ".json", ".jsonl"):
        raise InputError("the output is OUT.yaml, OUT.json or OUT.jsonl", path=args.output)
    if args.json and not args.output:
        raise InputError("--json prints the summary on standard output: name the scenario's file with -o",
                         path=args.export)
    if args.output:
        check_target(args.output, "-o")
    mapping = bundled_mapping()
    if args.mapping:
        data, _ = load(Path(args.mapping), what="mapping file")
        mapping.update(data, path=args.mapping)
    outcome = import_export(Path(args.export), engine.pack.actors, mapping=mapping, first=args.first,
                            last=args.last)
    events = _valid(outcome, engine, EventChecker, LineMap, args)
    text = _render(events, suffix, args)
    if args.output:
        write_whole(args.output, text.encode("utf-8"), "-o")
    else:
        out(text)
    summary = outcome.summary()
    assert summary["imported"] + sum(summary["skipped"].values()) == summary["events"]
    if args.json:
        out(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        skipped = "; ".join(f"{count} {reason}" for reason, count in summary["skipped"].items()) or "none"
        err(f"{args.export}: {summary['rows']} rows, {summary['events']} ACLED events: {summary['imported']} "
            f"imported as {len(events)} engine events; skipped: {skipped}\n")
    return 0


def _valid(outcome: Any, engine: Any, checker_type: Any, line_map: Any,
           args: argparse.Namespace) -> list[dict[str, Any]]:
    """The imported events the engine accepts; an ACLED event with one refused is moved to the skipped."""
    from datetime import date

    from ..errors import ScenarioError

    if not outcome.events:
        return []
    days = [date.fromisoformat(e["at"]) for e in outcome.events]
    checker = checker_type(path=args.export, actors=engine.pack.actors, start=min(days), until=max(days))
    refused: dict[str, str] = {}
    for event in outcome.events:
        try:
            checker.check(dict(event), lambda: line_map(), ())
        except ScenarioError as exc:
            refused.setdefault(event["incident"], f"refused by the engine: {exc.message}")
    for reason in refused.values():
        outcome.skipped[reason] += 1
        outcome.imported -= 1
    return [e for e in outcome.events if e["incident"] not in refused]


def _render(events: list[dict[str, Any]], suffix: str, args: argparse.Namespace) -> str:
    import json

    if suffix == ".jsonl":
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    days = [e["at"] for e in events]
    scenario: dict[str, Any] = {
        "name": f"Events imported from the ACLED export {Path(args.export).name}.",
        "description": "Imported by `obligations import acled`; ACLED's own terms of use govern these data.",
    }
    first = args.first.isoformat() if args.first else (min(days) if days else None)
    last = args.last.isoformat() if args.last else (max(days) if days else None)
    if first:
        scenario["start"] = first
    if last:
        scenario["until"] = last
    scenario["events"] = events
    if suffix == ".json":
        return json.dumps(scenario, ensure_ascii=False, indent=1) + "\n"
    import yaml

    return str(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, width=1000))
