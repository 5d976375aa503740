"""Plain records: the engine's internal classes of named fields, compared and shown by their values as dataclasses
are, without the cost of making a dataclass when its module is imported.

``dataclasses`` writes each class's methods as source and compiles them as the class is defined: about a
millisecond a class, a twentieth of a warm ``obligations run`` for the records every run imports. A record
declares its fields in :attr:`Record._fields` and writes its own ``__init__`` (storing through ``__dict__``, so
that a frozen record's ``__init__`` needs no way around its ``__setattr__``); this base gives equality by value
(between records of the same class), ``repr`` and, for :class:`Frozen` records, hashing and immutability.
Records pickle as ordinary objects (their ``__dict__``), which the rule-pack cache relies on.

The public types (:class:`~engine.inputs.scenario.Scenario`, :class:`~engine.outputs.report.Report`,
:class:`~engine.outputs.report.FindingView`) stay dataclasses: callers may use :func:`dataclasses.replace` on them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing import Self


def _one_or_none(read: Callable[[Any], Any] | None, record: Any) -> tuple[Any, ...]:
    """The compared values of a record of one field (a tuple of it) or of none."""
    return () if read is None else (read(record),)


class Record:
    """A record of named fields (:attr:`_fields`, in order), equal to another of its class with equal values.

    Like a dataclass without ``frozen``, it is not hashable."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[tuple[str, ...] | None] = None  # the fields equality compares (None: all of them)
    _made_from: ClassVar[tuple[str, ...] | None] = None  # the fields __init__ takes, for replace (None: _fields)
    #: a record's compared values, as a tuple (``record._key(record)``: an ``attrgetter``, read at C speed)
    _key: ClassVar[Callable[[Any], tuple[Any, ...]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls._compared or cls._fields
        if len(names) > 1:
            key: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
        else:
            key = functools.partial(_one_or_none, operator.attrgetter(*names) if names else None)
        cls._key = staticmethod(key)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = self.__class__._key
        return key(self) == key(other)

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A new record of this class, of these fields but ``changes`` (made by ``__init__``, as
        :func:`dataclasses.replace` makes one: what the record computed and kept of its values is not carried)."""
        names = self._made_from or self._fields
        unknown = changes.keys() - set(names)
        if unknown:
            raise TypeError(f"{self.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
        return self.__class__(**{**{name: self.__dict__[name] for name in names}, **changes})


class Frozen(Record):
    """A record whose fields are not assigned once it is made, hashed by its values (as a frozen dataclass)."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a {self.__class__.__qualname__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a {self.__class__.__qualname__}")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self.__class__._key(self))


__all__ = ["Frozen", "Record"]
