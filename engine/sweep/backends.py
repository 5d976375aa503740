"""Where a sweep's samples run: in this process, in a pool of processes, or on a Dask cluster.

Each backend takes the sample numbers still to run, split into batches, and yields each batch's results as it
completes, in whatever order. What a sample finds does not depend on where it ran (see
:mod:`engine.sweep.sampling`), so the summary does not either.

* :func:`serial` — this process (``--workers 1``).
* :func:`pool` — ``--workers N`` fresh interpreters (:mod:`engine.sweep.child`), nothing inherited from this one
  but the sweep; each loads the rule pack once when it starts and keeps its compiled rulesets for every batch.
* :func:`dask` — tasks on a running ``dask.distributed`` scheduler (``--dask ADDRESS``; the extra
  ``unsc-obligations[distributed]``). Its workers must be able to import this package; each worker process keeps
  its runner between tasks.
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from ..errors import EngineError
from ..rulepack.loader import load_pack
from .errors import SweepError
from .spec import Sweep
from .worker import Failure, SampleResult, SampleRunner, run_chunk

MAX_BATCH = 100  # samples per task and per database transaction
CONNECT_TIMEOUT_S = 10


def batches(numbers: list[int], workers: int) -> list[list[int]]:
    """``numbers`` in batches of about an eighth of a worker's share, at most :data:`MAX_BATCH`."""
    size = max(1, min(MAX_BATCH, -(-len(numbers) // max(1, workers * 8))))
    return [numbers[i:i + size] for i in range(0, len(numbers), size)]


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _unwrap(outcome: list[SampleResult] | Failure) -> list[SampleResult]:
    if isinstance(outcome, list):
        return outcome
    kind, message, path, line = outcome
    if kind in ("SweepError", "InputError", "ScenarioError", "RuleError"):
        raise SweepError(message, path=path, line=line)
    raise EngineError(f"{kind} in a worker: {message}")


def serial(sweep: Sweep, numbers: list[int]) -> Iterator[list[SampleResult]]:
    runner = SampleRunner(sweep, load_pack(sweep.pack))
    for batch in batches(numbers, 1):
        yield runner.run_many(batch)


def pool(sweep: Sweep, numbers: list[int], workers: int) -> Iterator[list[SampleResult]]:
    """Batches on ``workers`` child processes (:mod:`engine.sweep.child`), a new batch to each as it finishes."""
    work = collections.deque(batches(numbers, workers))
    env = dict(os.environ)
    source_root = str(Path(__file__).resolve().parents[2])  # so that the child imports this very package
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source_root, env.get("PYTHONPATH", "")) if p)
    children: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(min(workers, len(work))):
            child = subprocess.Popen([sys.executable, "-m", "engine.sweep.child"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env)
            children.append(child)
            assert child.stdin is not None
            pickle.dump((sweep, load_pack(sweep.pack)), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        busy: dict[Any, subprocess.Popen[bytes]] = {}
        for child in children:
            _send(child, work.popleft())
            busy[child.stdout] = child
        while busy:
            for ready in wait(list(busy)):
                child = busy[ready]
                try:
                    outcome = pickle.load(ready)  # type: ignore[arg-type]
                except EOFError:
                    code = child.wait()
                    raise EngineError(f"a sweep worker process ended unexpectedly (exit status {code})") from None
                if work:
                    _send(child, work.popleft())
                else:
                    del busy[ready]
                    assert child.stdin is not None
                    child.stdin.close()
                yield _unwrap(outcome)
    finally:
        for child in children:
            if child.stdin is not None and not child.stdin.closed:
                with contextlib.suppress(OSError):
                    child.stdin.close()
            if child.poll() is None:
                child.terminate()
        for child in children:
            child.wait()
            if child.stdout is not None:
                child.stdout.close()


def _send(child: subprocess.Popen[bytes], batch: list[int]) -> None:
    assert child.stdin is not None
    pickle.dump(batch, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    child.stdin.flush()


def dask(sweep: Sweep, numbers: list[int], address: Any) -> Iterator[list[SampleResult]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SweepError("--dask needs the `distributed` package: pip install 'unsc-obligations[distributed]'",
                         path="--dask") from None
    own = not isinstance(address, Client)
    client: Any
    if own:
        try:
            client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s",  # type: ignore[no-untyped-call]
                            set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(f"cannot reach a Dask scheduler at {address!r}: {exc}".replace("\n", " "),
                             path="--dask") from None
    else:
        client = address
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        [shared] = client.scatter([(sweep, load_pack(sweep.pack))], broadcast=True, hash=False)
        futures = [client.submit(run_chunk, shared, batch, pure=False) for batch in batches(numbers, workers)]
        done: Any = as_completed(futures, with_results=True, loop=client.loop)  # type: ignore[no-untyped-call]
        for future, outcome in done:
            future.release()
            yield _unwrap(outcome)
    finally:
        if own:
            client.close()
