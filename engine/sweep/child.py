"""A worker process of a sweep's pool: ``python -m engine.sweep.child``, fed through its standard input.

The parent (:func:`engine.sweep.backends.pool`) writes the pickled :class:`~engine.sweep.spec.Sweep` and its rule
pack once, then
one pickled batch of sample numbers at a time; for each, the child writes back the pickled batch results (or a
failure, as data). It loads the engine once and keeps its compiled rulesets for every batch. When its standard
input closes — the sweep is done, or the parent died, even by SIGKILL — it exits. Being a fresh interpreter
started with ``-m``, it never re-imports the parent's main script (so a script calling the API needs no
``if __name__ == "__main__"`` guard) and inherits no threads or locks from it.
"""

from __future__ import annotations

import os
import pickle
import sys

from .worker import run_chunk


def main() -> int:
    source = sys.stdin.buffer
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the results
    try:
        job = pickle.load(source)
    except EOFError:
        return 0
    while True:
        try:
            numbers = pickle.load(source)
        except EOFError:
            return 0
        try:
            pickle.dump(run_chunk(job, numbers), sink, protocol=pickle.HIGHEST_PROTOCOL)
            sink.flush()
        except BrokenPipeError:  # the parent is gone
            return 1


if __name__ == "__main__":
    sys.exit(main())
