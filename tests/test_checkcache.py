"""The catalogue kept on disk: read back as it was written, and an entry that is stale, corrupt or not the user's
own is never trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.inputs import catalogue, checkcache


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
    if spoil == "stale":
        entry.write_bytes(json.dumps({**fields, "code": "0" * 64}).encode() + b"\n" + payload)
    elif spoil == "other pydantic":
        entry.write_bytes(json.dumps({**fields, "pydantic": ["pydantic-1.0.dist-info"]}).encode() + b"\n" + payload)
    elif spoil == "corrupt":
        entry.write_bytes(header + b"\n" + payload[:-10])
    elif spoil == "not a catalogue":
        import hashlib
        import pickle

        other = pickle.dumps({"events": {}})
        entry.write_bytes(json.dumps({**fields, "payload": hashlib.sha256(other).hexdigest()}).encode() + b"\n"
                          + other)
    else:
        entry.chmod(0o666)
    assert checkcache.load(tmp_path) is None
