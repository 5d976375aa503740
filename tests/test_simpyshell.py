"""The command line's SimPy package is SimPy's own namespace, made without the version lookup."""

from __future__ import annotations

import json
import subprocess
import sys

from engine.cli import simpyshell


def _in_a_fresh_process(code: str) -> object:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_public_names_are_those_of_simpys_own_package_and_come_from_the_same_submodules() -> None:
    real = _in_a_fresh_process(
        "import json, simpy; print(json.dumps({n: getattr(simpy, n).__module__ for n in simpy.__all__}))")
    assert real == simpyshell.PUBLIC


def test_the_package_made_without_its_init_has_the_same_objects_and_imports_no_importlib_metadata() -> None:
    found = _in_a_fresh_process(
        "import json, sys, importlib\n"
        "from engine.cli import simpyshell\n"
        "made = simpyshell.install()\n"
        "import simpy\n"
        "same = all(getattr(simpy, n) is getattr(importlib.import_module(m), n) "
        "for n, m in simpyshell.PUBLIC.items())\n"
        "metadata = 'importlib.metadata' in sys.modules\n"
        "env = simpy.Environment(); env.timeout(5); env.run()\n"
        "print(json.dumps([made, same, metadata, env.now, sorted(simpy.__all__)]))")
    assert found == [True, True, False, 5, sorted(simpyshell.PUBLIC)]


def test_the_version_is_looked_up_when_first_read() -> None:
    found = _in_a_fresh_process(
        "import json, importlib.metadata\n"
        "from engine.cli import simpyshell\n"
        "simpyshell.install()\n"
        "import simpy\n"
        "print(json.dumps([simpy.__version__, importlib.metadata.version('simpy')]))")
    assert isinstance(found, list) and found[0] == found[1]


def test_nothing_is_done_when_simpy_is_already_imported() -> None:
    import simpy

    assert simpyshell.install() is False
    assert sys.modules["simpy"] is simpy


def test_the_submodules_the_engine_does_not_use_are_imported_only_when_one_of_their_names_is_read() -> None:
    found = _in_a_fresh_process(
        "import json, sys\n"
        "from engine.cli import simpyshell\n"
        "simpyshell.install()\n"
        "import simpy\n"
        "before = sorted(m for m in sys.modules if m.startswith('simpy.'))\n"
        "from simpy import Resource\n"
        "from simpy.resources.resource import Resource as Real\n"
        "print(json.dumps([before, Resource is Real, 'simpy.resources.resource' in sys.modules]))")
    assert found == [["simpy.core", "simpy.events", "simpy.exceptions"], True, True]
