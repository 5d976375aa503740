"""Where samples run does not change the result: one process, two worker processes, a Dask LocalCluster."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from engine import Engine
from engine.sweep import SweepError, load_sweep, run_sweep
from engine.sweep.backends import batches, default_workers

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
SAMPLES = 24  # per bundled sweep file: enough for every change to apply in some samples and not in others


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Dask cluster of two worker processes, one thread each; yields the scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_sweeps_give_identical_json_in_one_process_on_two_workers_and_on_a_local_cluster(
        engine: Engine, cluster: str, path: Path) -> None:
    spec = replace(load_sweep(path, engine=engine), samples=SAMPLES)
    serial = run_sweep(spec, workers=1).to_json()
    assert run_sweep(spec, workers=2).to_json() == serial
    assert run_sweep(spec, dask=cluster).to_json() == serial


def test_a_dask_client_can_be_passed_instead_of_an_address(engine: Engine, cluster: str,
                                                           sweep_file: Callable[..., Path]) -> None:
    from distributed import Client

    spec = load_sweep(sweep_file("- remove: {event: tbk-request, probability: 0.5}", samples=10), engine=engine)
    with Client(cluster, set_as_default=False) as client:
        assert run_sweep(spec, dask=client).to_json() == run_sweep(spec, workers=1).to_json()


def test_a_bad_drawn_value_in_a_worker_is_bad_input_not_a_crash(engine: Engine, sweep_file: Callable[..., Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_sweep(sweep_file("- shift: {event: q3, days: 1}", samples=4), engine=engine)
    monkeypatch.setattr("engine.sweep.runner.check_samples", lambda *_: 1)  # let the bad draw reach the workers
    broken = replace(spec, vary=(replace(spec.vary[0], units=(("days", 500),)),))
    with pytest.raises(SweepError, match="outside the base scenario's window"):
        run_sweep(broken, workers=2)


def test_samples_are_split_into_batches_that_cover_each_once() -> None:
    numbers = list(range(1_003))
    for workers in (1, 2, 7):
        split = batches(numbers, workers)
        assert [n for batch in split for n in batch] == numbers
        assert max(len(b) for b in split) <= 100
    assert default_workers() == len(os.sched_getaffinity(0))
