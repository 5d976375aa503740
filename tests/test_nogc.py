"""Pausing the cyclic garbage collector while inputs are read."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from engine.inputs.nogc import no_cycle_collection


def test_the_collector_is_paused_inside_and_restored_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), no_cycle_collection():
        raise ValueError("bad input")
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused() -> None:
    gc.disable()
    try:
        with no_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Made:
    """An object the collector tracks."""


def _generation_of(value: object) -> int | None:
    return next((n for n in range(3) if any(found is value for found in gc.get_objects(generation=n))), None)


def test_what_a_lasting_block_makes_goes_to_the_oldest_generation_and_the_young_ones_are_empty_after_it() -> None:
    gc.collect()
    with no_cycle_collection(lasting=True):
        made = [_Made() for _ in range(1000)]
    assert gc.isenabled() and gc.get_count()[0] < 10 and gc.get_freeze_count() == 0
    assert _generation_of(made[0]) == 2 and _generation_of(made) == 2


def test_what_a_block_makes_stays_young_when_it_is_not_lasting_or_fails() -> None:
    gc.collect()
    with no_cycle_collection():
        made = [_Made() for _ in range(1000)]
    assert _generation_of(made[0]) in (0, 1)
    failed: list[_Made] = []
    with pytest.raises(ValueError), no_cycle_collection(lasting=True):
        failed.extend(_Made() for _ in range(1000))
        raise ValueError("bad input")
    assert _generation_of(failed[0]) in (0, 1)


def test_a_lasting_block_moves_nothing_when_something_else_froze_objects_or_the_collector_was_paused() -> None:
    gc.collect()
    kept = _Made()
    gc.freeze()
    try:
        with no_cycle_collection(lasting=True):
            made = [_Made() for _ in range(1000)]
        assert _generation_of(made[0]) in (0, 1) and gc.get_freeze_count() > 0 and _generation_of(kept) is None
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with no_cycle_collection(lasting=True):
            made = [_Made() for _ in range(1000)]
        assert _generation_of(made[0]) in (0, 1)
    finally:
        gc.enable()


def test_objects_set_aside_by_a_command_are_known_without_walking_them_and_others_by_walking_them() -> None:
    probe = (
        "import gc, sys\n"
        "from engine.inputs import nogc\n"
        "before = nogc.set_aside_already()\n"
        "gc.freeze()\n"
        "by_others = nogc.set_aside_already()\n"
        "gc.unfreeze()\n"
        "nogc.set_aside()\n"
        "frozen = gc.get_freeze_count() > 0\n"
        "def walked():\n"
        "    raise AssertionError('the objects set aside were walked')\n"
        "gc.get_freeze_count = walked\n"
        "print(before, by_others, frozen, nogc.set_aside_already(), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stderr.split() == ["False", "True", "True", "True"]
