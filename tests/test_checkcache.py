"""The catalogue kept on disk: read back as it was written, and an entry that is stale, corrupt or not the user's
own is never trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.inputs import catalogue, checkcache
from engine.rulepack import cache


@pytest.fixture(scope="module")
def made() -> checkcache.Catalogue:
    found = catalogue.cached()  # the test session's cache is on
    assert found is not None
    return found


def test_a_catalogue_is_read_back_as_it_was_written(tmp_path: Path, made: checkcache.Catalogue) -> None:
    assert checkcache.load(tmp_path) is None
    checkcache.store(tmp_path, made)
    back = checkcache.load(tmp_path)
    assert back is not None and back.specs == made.specs and back.plans == made.plans
    assert {kind: written and written.source for kind, written in back.events.items()} == {
        kind: written and written.source for kind, written in made.events.items()}


@pytest.mark.parametrize("spoil", ["stale", "other pydantic", "corrupt", "not a catalogue", "foreign"])
def test_an_entry_that_is_stale_corrupt_or_not_the_user_s_own_is_not_trusted(
        tmp_path: Path, made: checkcache.Catalogue, spoil: str) -> None:
    checkcache.store(tmp_path, made)
    (entry,) = tmp_path.glob("checkers-*.pickle")
    header, _, payload = entry.read_bytes().partition(b"\n")
    fields = json.loads(header)
    if spoil == "stale":  # a source of the engine's inputs changed since: its signature, and the code's digest
        signatures = fields["signatures"]
        edited = next(iter(signatures))
        entry.write_bytes(json.dumps({**fields, "code": "0" * 64, "signatures": {**signatures, edited: [0, 0, 0]}}
                                     ).encode() + b"\n" + payload)
    elif spoil == "other pydantic":
        entry.write_bytes(json.dumps({**fields, "pydantic": ["pydantic-1.0.dist-info"]}).encode() + b"\n" + payload)
    elif spoil == "corrupt":
        entry.write_bytes(header + b"\n" + payload[:-10])
    elif spoil == "not a catalogue":
        import pickle

        other = pickle.dumps({"events": {}})
        entry.write_bytes(json.dumps({**fields, "payload": cache.digest(other)}).encode() + b"\n" + other)
    else:
        entry.chmod(0o666)
    assert checkcache.load(tmp_path) is None


def test_a_warm_load_takes_the_code_s_digest_from_the_entry_while_its_sources_are_plainly_unchanged(
        tmp_path: Path, made: checkcache.Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    checkcache.store(tmp_path, made)
    (entry,) = tmp_path.glob("checkers-*.pickle")
    header, _, payload = entry.read_bytes().partition(b"\n")
    fields = json.loads(header)
    hashed: list[tuple[str, ...]] = []
    digest = cache.code_digest
    monkeypatch.setattr(cache, "code_digest", lambda items: hashed.append(items) or digest(items))
    assert checkcache.load(tmp_path) is not None  # settled sources: their digest is not taken again
    assert hashed == []
    signatures = fields["signatures"]
    moved = next(iter(signatures))  # a source touched (a new inode, time) but not changed: hashed, and still good
    entry.write_bytes(json.dumps({**fields, "signatures": {**signatures, moved: [0, 0, 0]}}).encode() + b"\n"
                      + payload)
    assert checkcache.load(tmp_path) is not None
    assert hashed == [checkcache.CODE]
