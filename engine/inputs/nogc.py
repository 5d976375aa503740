"""Pausing Python's cyclic garbage collector while inputs are read, and setting objects aside from it for good.

Reading a scenario or an event log makes many small objects (rows, events, records) and no reference cycles
worth collecting: they are freed by reference counting. The cyclic collector would still traverse every object
held so far, again and again as they accumulate (about a quarter of the time of reading a 20,000-event scenario,
a seventh of reading a log). It is paused for the reading and restored after, as it was; whatever cycle an error
may leave is collected then.

What a reading keeps lives on (a loaded scenario's events). Once the collector runs again, its first young
collection would walk all of it, and later ones again as it is promoted (on 20,000 events, a tenth of the time
of loading them). Asked to (``lasting=True``), the pause puts what the collector tracks straight into its oldest
generation as the reading ends without error (:func:`gc.freeze` then :func:`gc.unfreeze`), having collected the
young generations as it began, so that no garbage waiting there is kept until a full collection; it does nothing
of the kind when the collector was paused already, or when something else froze objects.

A command in a process of its own sets what lives to its end aside from the collector for good (:func:`set_aside`);
the replay, which otherwise sets older objects aside while it runs, asks :func:`set_aside_already` first.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_set_aside = False  # whether set_aside has run in this process


def set_aside() -> None:
    """Set every object made so far aside from the cyclic collector for good (:func:`gc.freeze`): only for a
    command in a process of its own, whose objects live to its end (see :func:`engine.cli.main.command`)."""
    global _set_aside
    gc.freeze()
    _set_aside = True


def set_aside_already() -> bool:
    """Whether objects are set aside from the collector, by :func:`set_aside` or by whoever runs the engine
    (asked of this module first: :func:`gc.get_freeze_count` walks every object set aside, a few milliseconds
    once a 20,000-event scenario is)."""
    return _set_aside or gc.get_freeze_count() > 0


@contextlib.contextmanager
def no_cycle_collection(*, lasting: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (restored as it was, even on an error); ``lasting``: what
    the block makes lives on, and goes to the oldest generation as the block ends without error."""
    was_enabled = gc.isenabled()
    settle = lasting and was_enabled and not set_aside_already()
    if settle:
        gc.collect(1)
    gc.disable()
    try:
        yield
        if settle and not set_aside_already():
            try:  # (inside: an interruption just after the freeze must not leave the heap set aside for good)
                gc.freeze()  # every tracked object, young or old, set aside; then given back to the oldest generation
            finally:
                gc.unfreeze()
    finally:
        if was_enabled:
            gc.enable()
