"""SimPy for the command line, without the version lookup its package runs on import.

``import simpy`` runs ``simpy/__init__.py``, which imports :mod:`importlib.metadata` and asks it for SimPy's
version: about 75 ms of a process's start-up (importing that module pulls in ``email``, ``zipfile``, ``csv``...,
and the lookup scans the installed distributions), a third of the budget of a warm ``obligations run``. The engine
uses none of it: it needs the classes of ``simpy.core`` and ``simpy.events``.

:func:`install`, called by the command line before anything imports SimPy, puts in ``sys.modules`` the ``simpy``
package made from its own spec without running its ``__init__``, and gives it the same public names
(:data:`PUBLIC`, SimPy 4's ``__all__``, each taken from the submodule ``__init__`` takes it from). Those of the
modules the engine uses (:data:`EAGER`) are there at once; the others (resources, real time) are imported when
first read, and ``simpy.__version__`` is looked up when first read, as SimPy would have done. Anything unexpected
(SimPy already imported, not found, laid out otherwise) leaves SimPy to be imported as usual.
``tests/test_simpyshell.py`` checks against a real ``import simpy`` that the names are the same objects.

Only the command's own process does this; ``import engine`` as a library imports SimPy as usual.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

#: the package's public names (``simpy.__all__``), each with the submodule that defines it
PUBLIC: dict[str, str] = {
    "AllOf": "simpy.events",
    "AnyOf": "simpy.events",
    "Container": "simpy.resources.container",
    "Environment": "simpy.core",
    "Event": "simpy.events",
    "FilterStore": "simpy.resources.store",
    "Interrupt": "simpy.exceptions",
    "PreemptiveResource": "simpy.resources.resource",
    "PriorityItem": "simpy.resources.store",
    "PriorityResource": "simpy.resources.resource",
    "PriorityStore": "simpy.resources.store",
    "Process": "simpy.events",
    "RealtimeEnvironment": "simpy.rt",
    "Resource": "simpy.resources.resource",
    "SimPyException": "simpy.exceptions",
    "Store": "simpy.resources.store",
    "Timeout": "simpy.events",
}


#: the submodules the engine uses, whose names the package is given at once (the others' when first read)
EAGER = frozenset({"simpy.core", "simpy.events", "simpy.exceptions"})


def _later(name: str) -> Any:
    """A public name of a submodule not imported yet, or ``simpy.__version__``, when first read (as the package's
    ``__init__`` would have had them at import)."""
    where = PUBLIC.get(name)
    if where is not None:
        value = getattr(importlib.import_module(where), name)
    elif name == "__version__":
        from importlib import metadata

        value = metadata.version("simpy")
    else:
        raise AttributeError(f"module 'simpy' has no attribute {name!r}")
    sys.modules["simpy"].__dict__[name] = value
    return value


def install() -> bool:
    """Make ``simpy`` importable without its version lookup; whether this was done (else nothing changed)."""
    if "simpy" in sys.modules:
        return False
    before = set(sys.modules)
    try:
        spec = importlib.util.find_spec("simpy")
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return False
        package = importlib.util.module_from_spec(spec)
        sys.modules["simpy"] = package
        for name, where in PUBLIC.items():
            if where in EAGER:
                setattr(package, name, getattr(importlib.import_module(where), name))
        package.__dict__["__all__"] = sorted(PUBLIC)
        package.__dict__["__getattr__"] = _later  # a module's __getattr__ (PEP 562)
        return True
    except Exception:  # any surprise: forget what was made, and let `import simpy` do its usual work
        for name in set(sys.modules) - before:
            del sys.modules[name]
        return False
