"""The cache of compiled rule packs on disk: a warm run prints exactly what a cold one does, and an entry that is
stale, corrupt or not the user's own is never trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from engine.api import Engine
from engine.inputs.scenario import Scenario, in_order
from engine.light import Light
from engine.outputs.report import build_report, render_table
from engine.replay.matcher import Matcher
from engine.replay.runtime import run
from engine.rulepack import cache, loader
from engine.rulepack.compiler import CompiledPack, compile_pack

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
PACK = Path(str(resources.files("rules") / "res2364"))
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return folder


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "res2364"
    shutil.copytree(PACK, target)
    return target


@pytest.fixture
def reads(spy: Callable[[Any, str, int], list[Any]]) -> list[str]:
    """The packs read from their YAML (not from the cache), by name."""
    return spy(loader, "_read_pack", 1)


def _entry(folder: Path) -> Path:
    entries = list(folder.glob("pack-*.pickle"))
    assert len(entries) == 1, entries
    return entries[0]


def _obligations(*args: str, **env: str) -> bytes:
    environment = {k: v for k, v in os.environ.items() if k not in (cache.ENV_DIR, cache.ENV_OFF)}
    result = subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, check=True,
                            env={**environment, **env}, cwd=ROOT)
    assert result.stderr == b""
    return result.stdout


@pytest.mark.parametrize("output", [(), ("--json",)])
def test_a_warm_run_prints_byte_for_byte_what_a_cold_run_and_an_uncached_run_print(
        tmp_path: Path, output: tuple[str, ...]) -> None:
    folder = tmp_path / "cache"
    cold = _obligations("run", HEADLINE, *output, OBLIGATIONS_CACHE_DIR=str(folder))
    entry = _entry(folder)
    written = entry.stat().st_mtime_ns, entry.read_bytes()
    warm = _obligations("run", HEADLINE, *output, OBLIGATIONS_CACHE_DIR=str(folder))
    uncached = _obligations("run", HEADLINE, *output, OBLIGATIONS_CACHE_DIR=str(tmp_path / "other"),
                            OBLIGATIONS_NO_CACHE="1")
    assert cold == warm == uncached
    assert b"37:french-forces:tbk-2018-04-14" in cold
    assert (entry.stat().st_mtime_ns, entry.read_bytes()) == written  # the warm run used it, did not rewrite it
    assert not (tmp_path / "other").exists()


def test_a_warm_load_reads_no_rule_file_and_gives_the_same_pack(cache_folder: Path, pack_copy: Path,
                                                                 reads: list[str]) -> None:
    first = loader.load_pack_from(pack_copy)
    second = loader.load_pack_from(pack_copy)
    assert reads == ["res2364"]
    assert second is not first
    assert second.paragraphs == first.paragraphs and second.parameters == first.parameters
    assert second.origins == first.origins and second.actors.ids() == first.actors.ids()
    assert compile_pack(second).ruleset == compile_pack(first).ruleset


def test_an_edited_rule_file_makes_the_entry_stale(cache_folder: Path, pack_copy: Path, reads: list[str]) -> None:
    loader.load_pack_from(pack_copy)
    manifest = pack_copy / "resolution.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("(MINUSMA)", "(MINUSMA), edited"),
                        encoding="utf-8")
    assert loader.load_pack_from(pack_copy).manifest.title.endswith("(MINUSMA), edited")
    assert loader.load_pack_from(pack_copy).manifest.title.endswith("(MINUSMA), edited")
    assert reads == ["res2364", "res2364"]  # read again once, then cached again


def test_an_entry_made_by_other_code_or_another_version_is_not_used(cache_folder: Path, pack_copy: Path,
                                                                     reads: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_pack_from(pack_copy)
    signatures = cache._code_signatures()
    edited = next(iter(signatures))
    monkeypatch.setattr(cache, "_code_signatures", lambda *_: {**signatures, edited: [0, 0, 0]})  # a source changed
    monkeypatch.setattr(cache, "_code_digest", lambda: "0" * 64)  # and so did the code
    loader.load_pack_from(pack_copy)
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    loader.load_pack_from(pack_copy)
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364"] * 3


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "payload", "header", "not a pack"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(cache_folder: Path, pack_copy: Path, reads: list[str],
                                                damage: str) -> None:
    expected = loader.load_pack_from(pack_copy)
    entry = _entry(cache_folder)
    header, payload = entry.read_bytes().split(b"\n", 1)
    if damage == "garbage":
        entry.write_bytes(b"\x80\x04not a cache entry at all")
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "truncated":
        entry.write_bytes(header + b"\n" + payload[: len(payload) // 2])
    elif damage == "payload":  # same length, one byte changed: only the payload's digest tells
        entry.write_bytes(header + b"\n" + payload[:100] + bytes([payload[100] ^ 1]) + payload[101:])
    elif damage == "header":
        entry.write_bytes(header.replace(b'"files"', b'"filez"') + b"\n" + payload)
    else:  # a sound entry whose payload is something else than a compiled pack
        import hashlib
        import pickle

        other = pickle.dumps({"not": "a pack"})
        entry.write_bytes(header.replace(hashlib.sha256(payload).hexdigest().encode(),
                                         hashlib.sha256(other).hexdigest().encode()) + b"\n" + other)
    rebuilt = loader.load_pack_from(pack_copy)
    assert rebuilt.paragraphs == expected.paragraphs
    assert entry.read_bytes().split(b"\n", 1)[0] == header  # written anew
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364", "res2364"]


def test_an_entry_others_may_write_is_not_trusted(cache_folder: Path, pack_copy: Path, reads: list[str]) -> None:
    loader.load_pack_from(pack_copy)
    entry = _entry(cache_folder)
    entry.chmod(0o666)
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364", "res2364"]
    assert entry.stat().st_mode & 0o077 == 0  # replaced by one of the user's own


def test_a_cache_folder_that_cannot_be_made_means_no_cache(tmp_path: Path, pack_copy: Path, reads: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    assert loader.load_pack_from(pack_copy).manifest.resolution == "2364 (2017)"
    assert loader.load_pack_from(pack_copy).manifest.resolution == "2364 (2017)"
    assert reads == ["res2364", "res2364"]
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_pack_that_does_not_load_is_not_cached(cache_folder: Path, pack_copy: Path) -> None:
    from engine import RuleError

    mandate = pack_copy / "02-mandate.yaml"
    mandate.write_text(mandate.read_text(encoding="utf-8").replace("until 30 June 2018;", "until 31 June 2018;", 1),
                       encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError, match=r"02-mandate\.yaml"):
            loader.load_pack_from(pack_copy)
    assert not cache_folder.exists() or not list(cache_folder.glob("pack-*"))


def test_the_cache_is_in_the_user_s_cache_folder_unless_told_otherwise(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (cache.ENV_DIR, cache.ENV_OFF, "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "obligations"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "obligations"
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(cache.ENV_OFF, "0")
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.cache_dir() is None


def _reads_of(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files read (for the pack or to compare digests), by name."""
    read = loader._read
    names: list[str] = []

    def spy(node: Any, shown: str) -> str:
        names.append(Path(shown).name)
        return read(node, shown)

    monkeypatch.setattr(loader, "_read", spy)
    return names


def test_a_warm_load_of_settled_files_reads_none_of_them_nor_the_engine_s_code(
        cache_folder: Path, pack_copy: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_pack_from(pack_copy)  # the copy keeps the files' times: older than the entry
    names = _reads_of(monkeypatch)
    monkeypatch.setattr(cache, "_code_digest", lambda: pytest.fail("the engine's code was hashed"))
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364"] and names == []


def test_a_file_touched_but_unchanged_is_compared_by_its_text_and_the_entry_kept(
        cache_folder: Path, pack_copy: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_pack_from(pack_copy)
    (pack_copy / "resolution.yaml").touch()
    names = _reads_of(monkeypatch)
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364"] and names == ["resolution.yaml"]


def test_a_file_rewritten_to_the_same_size_and_time_just_after_the_entry_is_still_found_stale(
        cache_folder: Path, pack_copy: Path, reads: list[str]) -> None:
    manifest = pack_copy / "resolution.yaml"
    loader.load_pack_from(pack_copy)
    before = manifest.stat()
    os.utime(_entry(cache_folder), ns=(before.st_atime_ns, before.st_mtime_ns))  # the entry made in the same tick
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("(MINUSMA)", "(MINUSMX)"), encoding="utf-8")  # same size, same inode
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time, as in one clock tick
    assert manifest.stat().st_size == before.st_size and manifest.stat().st_ino == before.st_ino
    assert loader.load_pack_from(pack_copy).manifest.title.endswith("(MINUSMX)")
    assert reads == ["res2364", "res2364"]


def test_a_source_of_the_engine_touched_but_unchanged_keeps_the_entry(
        cache_folder: Path, pack_copy: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_pack_from(pack_copy)
    signatures = cache._code_signatures()
    edited = next(iter(signatures))
    monkeypatch.setattr(cache, "_code_signatures", lambda *_: {**signatures, edited: [0, 0, 0]})
    hashed: list[str] = []
    digest = cache._code_digest
    monkeypatch.setattr(cache, "_code_digest", lambda: hashed.append("code") or digest())
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364"] and hashed == ["code"]


def _models(value: Any, seen: set[int] | None = None) -> list[Any]:
    """Every model instance, real or light, in a value (fields, lists, tuples, dicts), each once."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, Light) or hasattr(type(value), "__pydantic_fields__"):
        return [value] + [m for item in value.__dict__.values() for m in _models(item, seen)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _models(item, seen)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in _models(item, seen)]
    return []


def _replayed(compiled: CompiledPack, scenario: Scenario) -> tuple[str, str]:
    """The JSON and the table of a scenario replayed against a compiled pack (as ``Engine.run`` does)."""
    if scenario.assumptions:
        compiled = compile_pack(compiled.pack.with_assumptions(dict(scenario.assumptions)))
    ledger, clock, stats = run(compiled, Matcher(compiled.ruleset), in_order(scenario), None)
    report = build_report(compiled.pack, scenario, ledger, clock, stats)
    return report.to_json(), render_table(report)


def test_a_warm_pack_holds_light_models_and_replays_every_bundled_scenario_as_the_cold_pack(
        cache_folder: Path, pack_copy: Path, reads: list[str]) -> None:
    cold = loader._cached(pack_copy, name="res2364", shown_root="rules/res2364")[1]
    warm = loader._cached(pack_copy, name="res2364", shown_root="rules/res2364")[1]
    assert reads == ["res2364"] and cold is not None and warm is not None and warm is not cold
    for compiled in (cold, warm):  # read now or from the cache, the pack holds light models only, and shares them
        models = _models(compiled.pack.__dict__) + _models([rule.__dict__ for rule in compiled.rules.values()])
        assert len(models) > 500 and all(isinstance(m, Light) for m in models)
        assert all(compiled.pack.parameters[name] is paragraph.parameters[name]
                   for paragraph in compiled.pack.paragraphs for name in paragraph.parameters)
    assert isinstance(warm.pack.actors.by_id["french-forces"], Light)
    assert [type(rule.within).__name__ for rule in warm.rules.values() if rule.within] == \
        [type(rule.within).__name__ for rule in cold.rules.values() if rule.within] != []
    engine = Engine()
    assert len(SCENARIOS) > 40
    for path in SCENARIOS:
        scenario = engine.load(path)
        assert _replayed(warm, scenario) == _replayed(cold, scenario), path.name


def test_a_changed_pydantic_makes_the_entry_stale(cache_folder: Path, pack_copy: Path, reads: list[str],
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.machinery
    import importlib.util

    site = tmp_path / "site"  # an installed pydantic, as the cache finds it (without importing it)
    (site / "pydantic").mkdir(parents=True)
    (site / "pydantic" / "__init__.py").write_text("", encoding="utf-8")
    version = site / "pydantic" / "version.py"
    version.write_text("VERSION = '2.14.4'\n", encoding="utf-8")
    (site / "pydantic-2.14.4.dist-info").mkdir()
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: importlib.machinery.ModuleSpec(
        name, None, origin=str(site / "pydantic" / "__init__.py"), is_package=True) if name == "pydantic"
        else find_spec(name, *rest))
    loader.load_pack_from(pack_copy)
    loader.load_pack_from(pack_copy)
    version.write_text("VERSION = '2.14.5'\n", encoding="utf-8")  # pydantic changed in place
    loader.load_pack_from(pack_copy)
    loader.load_pack_from(pack_copy)
    (site / "pydantic-2.14.4.dist-info").rename(site / "pydantic-2.15.0.dist-info")  # another version installed
    loader.load_pack_from(pack_copy)
    assert reads == ["res2364"] * 3
    assert "pydantic-2.15.0.dist-info" in cache._versions()["pydantic"]


_WARM_RUN = """
import json, sys
def pydantic_modules():
    return sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')
                  or m == 'engine.rulepack.rulebook')
from engine.rulepack.loader import compiled_pack
compiled = compiled_pack()
after_pack = pydantic_modules()
import engine.replay.runtime
after_replay = pydantic_modules()
from engine.light import Light
light = isinstance(compiled.pack.paragraphs[0], Light)
from engine.api import Engine
report = Engine().run(sys.argv[1])
print(json.dumps({"after_pack": after_pack, "after_replay": after_replay, "light": light}))
print(report.to_json())
"""


def test_a_warm_cache_loads_the_compiled_pack_and_the_replay_without_importing_pydantic(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in (cache.ENV_DIR, cache.ENV_OFF)}
    environment[cache.ENV_DIR] = str(tmp_path / "cache")
    runs = [subprocess.run([sys.executable, "-c", _WARM_RUN, HEADLINE], capture_output=True, check=True, cwd=ROOT,
                           env=environment, text=True).stdout.split("\n", 1) for _ in range(2)]
    (cold_state, cold_report), (warm_state, warm_report) = runs
    assert json.loads(warm_state) == {"after_pack": [], "after_replay": [], "light": True}
    assert json.loads(cold_state)["after_pack"] != []  # read cold, the pack needs pydantic: the test can fail
    assert warm_report == cold_report and "37:french-forces:tbk-2018-04-14" in warm_report
