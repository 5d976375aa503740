"""Pausing the cyclic garbage collector while inputs are read."""

from __future__ import annotations

import gc

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
