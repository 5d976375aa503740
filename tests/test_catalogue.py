"""The catalogue in force: made once and kept, then read by later processes, which load scenarios without
pydantic; with the cache off, checkers are written from the models when needed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.inputs import catalogue, checkcache, plaincheck
from engine.inputs.vocabulary import EVENT_TYPES
from engine.light import Light
from engine.rulepack import cache

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
#: a scenario file in YAML, one in JSON, and one reading its events from a JSON Lines log
LOADED = [SCENARIOS / "timbuktu-2018.yaml", SCENARIOS / "p37-request-before-threat-still-joins.json",
          SCENARIOS / "timbuktu-2018-events-from-a-log.yaml"]
#: the modules of the engine's inputs that import pydantic: only what the plain checks leave goes there
_CAREFUL = ["engine.inputs.checkwriter", "engine.inputs.fastcheck", "engine.inputs.header",
            "engine.inputs.vocabulary"]

_PROBE = """
import json, sys
from engine.api import Engine
from engine.light import Light

engine = Engine()
before = set(sys.modules)
kinds = []
for path in sys.argv[1:]:
    scenario = engine.load(path)
    kinds += [isinstance(event, Light) for event in scenario.all_events()]
    kinds.append(scenario.expect is None or isinstance(scenario.expect, Light))
print(json.dumps({"after": sorted(sys.modules), "added": sorted(set(sys.modules) - before), "light": all(kinds),
                  "events": len(kinds)}))
"""


def _csv_scenario(folder: Path) -> Path:
    """A scenario whose events come from a CSV log (a list field among them)."""
    folder.mkdir()
    (folder / "log.csv").write_text(
        "id,at,type,by,kind,focus,target\n"
        "r1,2017-09-28,report,Secretary-General,quarterly,i;iii,\n"
        "a1,2018-04-14T08:30Z,attack,,,,MINUSMA\n", encoding="utf-8")
    (folder / "scenario.yaml").write_text("name: A log in CSV.\nevents_from: log.csv\n", encoding="utf-8")
    return folder / "scenario.yaml"


def _load_in_a_process(folder: Path, *paths: Path) -> dict[str, object]:
    environment = {**os.environ, cache.ENV_DIR: str(folder)}
    environment.pop(cache.ENV_OFF, None)
    done = subprocess.run([sys.executable, "-c", _PROBE, *map(str, LOADED + list(paths))], capture_output=True,
                          text=True,
                          cwd=ROOT, env=environment, check=True)
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_with_a_warm_cache_loading_scenarios_and_logs_imports_no_pydantic_and_holds_light_instances(
        tmp_path: Path) -> None:
    csv = _csv_scenario(tmp_path / "csv")
    cold = _load_in_a_process(tmp_path / "cache", csv)
    assert "engine.inputs.checkwriter" in cold["added"]  # type: ignore[operator]  # the first process writes them
    assert list((tmp_path / "cache").glob("checkers-*.pickle"))
    warm = _load_in_a_process(tmp_path / "cache", csv)
    after: list[str] = warm["after"]  # type: ignore[assignment]
    assert [m for m in after if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
    assert [m for m in after if m in _CAREFUL] == []
    assert warm["light"] and warm["events"] == cold["events"] and cold["light"]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of its own, and no catalogue remembered by this process."""
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setattr(catalogue, "_MEMO", {})
    return tmp_path


def _entry(folder: Path) -> Path:
    (entry,) = folder.glob("checkers-*.pickle")
    return entry


def _contents(found: checkcache.Catalogue | None) -> object:
    """What a catalogue holds, compiled patterns compared by what they are (one read back is another object)."""
    assert found is not None

    def constant(value: object) -> object:
        owner = getattr(value, "__self__", None)
        return (owner.pattern, owner.flags) if isinstance(owner, re.Pattern) else value

    events = {kind: None if written is None else (written.source, written.spec, {
        name: constant(value) for name, value in written.constants.items()}) for kind, written in found.events.items()}
    return events, found.specs, found.list_fields, found.plans


def test_the_catalogue_is_written_once_and_read_back_equal(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = catalogue.cached()
    assert made is not None and set(made.events) == set(EVENT_TYPES) and all(made.events.values())
    assert made.list_fields == {"focus"}
    written = _entry(fresh).stat().st_mtime_ns
    monkeypatch.setattr(catalogue, "_MEMO", {})
    monkeypatch.setattr(catalogue, "_made", lambda folder: pytest.fail("made again"))
    assert _contents(catalogue.cached()) == _contents(made)
    assert _entry(fresh).stat().st_mtime_ns == written


def test_with_the_cache_off_there_is_no_catalogue_and_checkers_are_written_after_warm_events(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from engine import Engine

    monkeypatch.setenv(cache.ENV_OFF, "1")
    monkeypatch.setattr(catalogue, "_MEMO", {})
    assert catalogue.cached() is None
    monkeypatch.setattr(plaincheck, "WARM_EVENTS", 2)
    checker = plaincheck.PlainChecker(Engine().pack.actors, datetime(2017, 6, 29, tzinfo=UTC),
                                      datetime(2019, 1, 1, tzinfo=UTC))
    raw = {"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "MINUSMA", "id": "a1"}
    found = [checker.event(raw) for _ in range(3)]
    assert found[:2] == [None, None] and found[2] is not None and isinstance(found[2][0], Light)
