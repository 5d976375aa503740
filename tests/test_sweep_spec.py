"""Sweep files: what they may say, and every mistake reported as one line `path:line` with exit 2."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine
from engine.sweep import SweepError, load_sweep
from engine.sweep.distributions import Choice, Normal, Uniform
from engine.sweep.spec import Add, Assume, Between, Remove, Shift

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
HEADLINE = ROOT / "scenarios" / "timbuktu-2018.yaml"
LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<message>[^\n]+)\n$")

# `vary` starts on line 6 of the files written by the `sweep_file` fixture; (vary text, line, words in the message)
BAD_VARY = {
    "remove-unknown-event": ("- remove: {event: tbk-requets, probability: 0.5}", 6, "did you mean 'tbk-request'"),
    "probability-above-one": ("- remove:\n    event: tbk-request\n    probability: 1.5", 8, "probability"),
    "probability-not-a-number": ("- remove: {event: tbk-request, probability: half}", 6, "probability"),
    "two-kinds-in-one-item": ("- remove: {event: q1}\n  shift: {event: q2, days: 1}", 6, "one of remove"),
    "unknown-kind": ("- delete: {event: q1}", 6, "one of remove"),
    "shift-without-units": ("- shift:\n    event: q3", 7, "at least one of weeks"),
    "shift-unknown-unit": ("- shift:\n    event: q3\n    months: 1", 8, "unknown key 'months'"),
    "uniform-low-above-high": ("- shift:\n    event: q3\n    days: {uniform: [10, -10]}", 8, "LOW (10) is above HIGH"),
    "uniform-fractional": ("- shift:\n    event: q3\n    days:\n      uniform: [-1.5, 2]", 9, "integer"),
    "normal-negative-sd": ("- shift:\n    event: q3\n    days:\n      normal: {mean: 0, sd: -2}", 9, "negative"),
    "empty-choice": ("- shift:\n    event: q3\n    days: {choice: []}", 8, "one or more values"),
    "two-distributions-in-one": ("- shift:\n    event: q3\n    days: {uniform: [0, 1], choice: [2]}", 8,
                                 "exactly one key"),
    "shift-leaves-the-window": ("- shift:\n    event: q4\n    days: {uniform: [0, 30]}", 6, "outside the base"),
    "assume-unknown": ("- assume:\n    threat_window: {days: 2}", 7, "did you mean 'threat_request_window'"),
    "assume-bad-option": ("- assume:\n    threat_request_window:\n      days: {choice: [1, three]}", 8,
                          "threat_request_window"),
    "assume-too-many-sets": ("- assume:\n    support_link_window:\n      days: {uniform: [1, 1000]}", 8,
                             "more than 64 sets"),
    "add-unknown-type": ("- add:\n    event:\n      type: raid\n      at: 2018-04-01", 8, "unknown event type 'raid'"),
    "add-unknown-actor": ("- add:\n    event:\n      type: attack\n      target: MINUSMA\n      at: 2018-04-01\n"
                          "      by: {choice: [JNIM, Nobody]}", 11, "Nobody"),
    "add-outside-the-window": ("- add:\n    event:\n      type: attack\n      target: MINUSMA\n      at:\n"
                               "        between: [2018-06-01, 2018-07-31]", 11, "outside the base"),
    "add-id-of-the-base": ("- add:\n    event: {id: q1, type: attack, target: MINUSMA, at: 2018-04-01}", 7,
                           "already used"),
    "add-without-at": ("- add:\n    event: {type: attack, target: MINUSMA}", 7, "needs `at`"),
}


@pytest.mark.parametrize("case", sorted(BAD_VARY), ids=sorted(BAD_VARY))
def test_a_bad_vary_item_exits_2_with_one_line_at_its_line(cli: Callable[..., object],
                                                            sweep_file: Callable[..., Path], case: str) -> None:
    vary, line, words = BAD_VARY[case]
    path = sweep_file(vary, samples=200)
    result = cli("sweep", str(path), "--workers", "1")
    assert (result.code, result.out) == (2, ""), result.err  # type: ignore[attr-defined]
    match = LOCATED.match(result.err)  # type: ignore[attr-defined]
    assert match, result.err  # type: ignore[attr-defined]
    assert (match["path"], int(match["line"])) == (str(path), line), result.err  # type: ignore[attr-defined]
    assert words in match["message"]


BAD_TOP = {
    "unknown-key": ("name: A sweep.\nbase: {base}\nsamples: 10\nseed: 1\nvary: []\nworkers: 2\n", 6, "unknown key"),
    "zero-samples": ("name: A sweep.\nbase: {base}\nsamples: 0\nseed: 1\n", 3, "samples is 0"),
    "too-many-samples": ("name: A sweep.\nbase: {base}\nsamples: 2_000_000\nseed: 1\n", 3, "1,000,000"),
    "negative-seed": ("name: A sweep.\nbase: {base}\nsamples: 10\nseed: -1\n", 4, "seed"),
    "missing-seed": ("name: A sweep.\nbase: {base}\nsamples: 10\n", 1, "missing required field 'seed'"),
    "missing-base-file": ("name: A sweep.\nbase: nowhere.yaml\nsamples: 10\nseed: 1\n", 2, "no such scenario"),
    "vary-not-a-list": ("name: A sweep.\nbase: {base}\nsamples: 10\nseed: 1\nvary: {remove: q1}\n", 5, "list"),
    "bad-yaml": ("name: A sweep.\nbase: {base}\nsamples: [10\nseed: 1\n", 4, "invalid YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOP), ids=sorted(BAD_TOP))
def test_a_bad_sweep_file_exits_2_with_one_line_at_its_line(cli: Callable[..., object], tmp_path: Path,
                                                            case: str) -> None:
    text, line, words = BAD_TOP[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("{base}", str(HEADLINE)), encoding="utf-8")
    result = cli("sweep", str(path), "--workers", "1")
    assert (result.code, result.out) == (2, "")  # type: ignore[attr-defined]
    match = LOCATED.match(result.err)  # type: ignore[attr-defined]
    assert match and int(match["line"]) == line, result.err  # type: ignore[attr-defined]
    assert words in match["message"]


def test_a_mistake_in_the_base_scenario_is_reported_in_the_base_file(cli: Callable[..., object], tmp_path: Path,
                                                                     sweep_file: Callable[..., Path]) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("name: A base with a mistake.\nevents:\n  - {id: x, at: 2018-02-30, type: report, "
                    "by: Secretary-General, kind: quarterly}\n", encoding="utf-8")
    result = cli("sweep", str(sweep_file(base=base)), "--workers", "1")
    assert result.code == 2  # type: ignore[attr-defined]
    assert result.err.startswith(f"{base}:3: ")  # type: ignore[attr-defined]


def test_every_vary_kind_is_parsed_with_its_distributions(engine: Engine, sweep_file: Callable[..., Path]) -> None:
    sweep = load_sweep(sweep_file("""
        - remove: {event: tbk-request, probability: 0.25}
        - shift: {event: q3, days: {uniform: [-10, 10]}, hours: {normal: {mean: 0, sd: 6}}}
        - assume: {threat_request_window: {days: {choice: [1, 3, 7]}}, probability: 0.5}
        - add: {probability: 0.2, event: {type: attack, by: JNIM, target: MINUSMA,
                                          at: {between: [2018-04-01, 2018-04-30]}}}
        """), engine=engine)
    remove, shift, assume, add = sweep.vary
    assert isinstance(remove, Remove) and (remove.event, remove.probability, remove.index) == ("tbk-request", 0.25, 1)
    assert isinstance(shift, Shift) and shift.units == (("days", Uniform(-10, 10)), ("hours", Normal(0.0, 6.0)))
    assert isinstance(assume, Assume) and assume.values == (("threat_request_window", {"days": Choice((1, 3, 7))}),)
    assert isinstance(add, Add) and add.event_id == "added-4" and add.fields == {"by": "JNIM", "target": "MINUSMA"}
    assert isinstance(add.at, Between) and add.at.minutes == 30 * 24 * 60  # 1 April 00:00 to the end of 30 April


def test_a_zero_shift_is_allowed_and_changes_nothing(engine: Engine, sweep_file: Callable[..., Path]) -> None:
    from engine.api import sweep

    result = sweep(sweep_file("- shift: {event: q3, days: 0}", samples=3), workers=1)
    base = engine.run(HEADLINE)
    assert [f.id for f in result.findings] == sorted(f.id for f in base.findings)
    assert all(f.count == 3 and f.statuses == ((base.by_id(f.id).status, 3),)  # type: ignore[union-attr]
               for f in result.findings)


def test_a_sweep_given_as_a_mapping_reads_its_base_relative_to_root(engine: Engine) -> None:
    sweep = load_sweep({"name": "A mapping.", "base": "timbuktu-2018.yaml", "samples": 5, "seed": 1,
                        "vary": [{"remove": {"event": "q1"}}]}, engine=engine, root=ROOT / "scenarios")
    assert (sweep.path, sweep.samples, sweep.base.name[:6]) == ("<sweep>", 5, "A year")
    with pytest.raises(SweepError, match=r"^<sweep>: missing required field 'seed'"):
        load_sweep({"name": "A mapping.", "base": "timbuktu-2018.yaml", "samples": 5}, engine=engine,
                   root=ROOT / "scenarios")


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_sweep_files_are_valid_and_named_with_a_sentence(engine: Engine, path: Path) -> None:
    sweep = load_sweep(path, engine=engine)
    assert sweep.name[0].isupper() and sweep.name.rstrip()[-1] in ".?"
    assert sweep.vary and sweep.samples >= 100


def test_there_is_a_bundled_sweep_file_for_each_kind_of_change(engine: Engine) -> None:
    kinds = {item.kind for path in BUNDLED for item in load_sweep(path, engine=engine).vary}
    assert kinds == {"remove", "shift", "assume", "add"}
    singles = [load_sweep(p, engine=engine).vary for p in BUNDLED]
    assert {v[0].kind for v in singles if len(v) == 1} == {"remove", "shift", "assume", "add"}


def test_the_fingerprint_changes_with_the_file_and_not_with_its_name(engine: Engine,
                                                                    sweep_file: Callable[..., Path]) -> None:
    first = load_sweep(sweep_file("- remove: {event: q1}", name="a.yaml"), engine=engine).fingerprint
    same = load_sweep(sweep_file("- remove: {event: q1}", name="b.yaml"), engine=engine).fingerprint
    other = load_sweep(sweep_file("- remove: {event: q2}", name="c.yaml"), engine=engine).fingerprint
    more = load_sweep(sweep_file("- remove: {event: q1}", samples=41, name="d.yaml"), engine=engine).fingerprint
    assert first == same and len({first, other, more}) == 3


FROM_LOG = ROOT / "scenarios" / "timbuktu-2018-events-from-a-log.yaml"  # field events in a JSON Lines log


def test_a_sweep_of_a_base_with_an_event_log_varies_and_replays_the_log_s_events(
        engine: Engine, sweep_file: Callable[..., Path]) -> None:
    from engine.api import sweep

    path = sweep_file("- remove: {event: tbk-request, probability: 1}", samples=3, base=FROM_LOG)
    loaded = load_sweep(path, engine=engine)
    assert loaded.base.log is None and "tbk-intervention" in {e.id for e in loaded.base.events}  # folded in
    result = sweep(path, workers=1)
    assert result.share("37:not-covered:tbk-intervention") == 1.0  # the log's strike, without the log's request
    assert result.share("37:french-forces:tbk-2018-04-14") == 0.0


def test_a_sweep_base_whose_log_holds_more_events_than_a_sweep_holds_is_bad_input_at_base(
        cli: Callable[..., object], sweep_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.sweep import spec

    monkeypatch.setattr(spec, "MAX_BASE_LOG_EVENTS", 6)  # the log holds 7
    path = sweep_file("[]", samples=3, base=FROM_LOG)
    result = cli("sweep", str(path))
    assert result.code == 2 and result.out == ""  # type: ignore[attr-defined]
    match = LOCATED.match(result.err)  # type: ignore[attr-defined]
    assert match and match["line"] == "2" and "holds 7 events" in match["message"]
    assert "MAX_BASE_LOG_EVENTS" in match["message"]
