"""Light stand-ins for validated pydantic models, so that a run whose inputs are already checked imports no pydantic.

Importing pydantic and building the engine's model classes costs more than everything else a warm
``obligations run`` does. Its inputs need not pay it: a cached rule pack was validated when the cache entry was
written, and an event that the generated checkers accept has been checked as pydantic would check it. Such values
are kept as *light* instances: one light class per model (made from a :class:`Spec`, never importing the model),
whose instances hold the same ``__dict__`` (the fields, in the model's order) and ``__pydantic_fields_set__`` as the
model's would, and behave as the model's would where the engine looks:

* the fields and the model's class variables are plain attributes;
* equality and hashing are the model's (same model and same field values, against light and real instances
  alike), and so are ``repr``, ``str`` and iteration;
* they are immutable, and copy as themselves;
* anything else (``model_dump``, ``model_copy``, a method or property of the model) is answered by the real model
  instance, built once from the same values without validating them again: only then is pydantic imported;
* ``isinstance(light, Model)`` does not hold (that would need the model, and so pydantic): code that may meet
  light instances asks :func:`is_a` (which holds for both) or compares the class's name, which is the model's;
* they pickle as their spec and values, and unpickle as light instances in any process, without pydantic.

:func:`light` turns a model instance into its light instance, :func:`lightened` every model instance in a value
(nested models, lists, tuples, dicts); :func:`spec_of` gives a model's spec; :func:`light_class` gives the class of
a spec. This module imports nothing beyond the standard library.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

_REAL = "_real"  # the slot holding the real model instance, once built (pydantic names no field with a leading _)


class Spec(NamedTuple):
    """What a light class is made from: its model's module and name, field names in order, class variables."""

    module: str
    name: str
    fields: tuple[str, ...]
    class_vars: tuple[tuple[str, Any], ...] = ()


class Light:
    """The base of every light class (see the module's docstring)."""

    __slots__ = ("__dict__", "__pydantic_fields_set__", _REAL)
    __pydantic_extra__ = None  # as a model without extra fields or private attributes has them
    __pydantic_private__ = None
    _spec: Spec
    _hash_of: Callable[[dict[str, Any]], Any]

    def model(self) -> Any:
        """The real model instance with these values (built once, not validated again; imports the model)."""
        try:
            return object.__getattribute__(self, _REAL)
        except AttributeError:
            pass
        model = model_class(self._spec)
        real = object.__new__(model)
        object.__setattr__(real, "__dict__", {name: _real(value) for name, value in self.__dict__.items()})
        object.__setattr__(real, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        object.__setattr__(real, "__pydantic_extra__", None)
        object.__setattr__(real, "__pydantic_private__", None)
        object.__setattr__(self, _REAL, real)
        return real

    def __getattr__(self, name: str) -> Any:  # only for what is not a field or class variable
        if (name.startswith("__") and name.endswith("__")) or name == _REAL:
            raise AttributeError(name)
        return getattr(self.model(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{self._spec.name} is immutable: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise TypeError(f"{self._spec.name} is immutable: {name} cannot be deleted")

    @property
    def model_fields_set(self) -> set[str]:
        fields_set: set[str] = self.__pydantic_fields_set__
        return fields_set

    def __eq__(self, other: object) -> bool:
        spec = self._spec
        if isinstance(other, Light):
            theirs = other._spec
        elif hasattr(type(other), "__pydantic_fields__"):
            theirs = Spec(type(other).__module__, type(other).__qualname__, ())
        else:
            return NotImplemented
        return (spec.module, spec.name) == (theirs.module, theirs.name) and self.__dict__ == other.__dict__ \
            and not getattr(other, "__pydantic_extra__", None) and not getattr(other, "__pydantic_private__", None)

    def __hash__(self) -> int:
        return hash(self._hash_of(self.__dict__))

    def __repr__(self) -> str:
        return f"{self._spec.name.rpartition('.')[2]}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __str__(self) -> str:
        return " ".join(f"{k}={v!r}" for k, v in self.__dict__.items())

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self.__dict__.items()

    def __copy__(self) -> Light:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Light:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (self._spec, self.__dict__, self.__pydantic_fields_set__)


_CLASSES: dict[tuple[str, str], type[Light]] = {}


def light_class(spec: Spec) -> type[Light]:
    """The light class of a spec (one per model and process; a spec that differs from the one the class was made
    from, as after the model changed, makes a new class)."""
    key = (spec.module, spec.name)
    found = _CLASSES.get(key)
    if found is not None and found._spec == spec:
        return found
    fields = spec.fields
    namespace: dict[str, Any] = dict(spec.class_vars)
    namespace.update(__slots__=(), _spec=spec, __qualname__=spec.name.rpartition(".")[2],
                     _hash_of=staticmethod(operator.itemgetter(*fields) if fields else _no_fields))
    made = type(spec.name.rpartition(".")[2], (Light,), namespace)
    made.__module__ = __name__
    _CLASSES[key] = made
    return made


def _no_fields(values: dict[str, Any]) -> int:
    return 0


def make(cls: type[Light], values: dict[str, Any], fields_set: set[str]) -> Light:
    """A light instance of ``cls`` with these values (a dict of every field, in order) and fields given: the
    values are taken as they are, already validated."""
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", fields_set)
    return instance


def spec_of(model: type[Any]) -> Spec:
    """The spec of a pydantic model class: its fields in order and its class variables."""
    class_vars = tuple((name, getattr(model, name)) for name in sorted(getattr(model, "__class_vars__", ())))
    return Spec(model.__module__, model.__qualname__, tuple(model.__pydantic_fields__), class_vars)


def light(instance: Any) -> Light:
    """The light instance of a model instance (a light instance is returned as it is)."""
    if isinstance(instance, Light):
        return instance
    return make(_class_of(type(instance)), dict(instance.__dict__), set(instance.__pydantic_fields_set__))


def _class_of(model: type[Any]) -> type[Light]:
    """The light class of a pydantic model class (its spec read once per process)."""
    cls = _BY_MODEL.get(model)
    if cls is None:
        cls = _BY_MODEL[model] = light_class(spec_of(model))
    return cls


_BY_MODEL: dict[type[Any], type[Light]] = {}


def model_class(spec: Spec) -> Any:
    """The real model class a spec names (imports its module)."""
    target: Any = importlib.import_module(spec.module)
    for part in spec.name.split("."):
        target = getattr(target, part)
    return target


def is_a(instance: Any, model: type[Any]) -> bool:
    """Whether ``instance`` is an instance of ``model``, or a light instance of it."""
    if isinstance(instance, Light):
        spec = instance._spec
        return (spec.module, spec.name) == (model.__module__, model.__qualname__)
    return isinstance(instance, model)


def lightened(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``value`` with every model instance in it, at any depth (its fields, lists, tuples and dicts), made light:
    the value itself when it holds none. An instance met twice (``memo``, shared by the calls on parts of one
    whole) becomes one light instance, so that what was shared stays shared."""
    if value.__class__ in _ATOMS:
        return value
    memo = {} if memo is None else memo
    known = memo.get(id(value))
    if known is not None:
        return known[1]
    made: Any = value
    kind = value.__class__
    if issubclass(kind, Light) or hasattr(kind, "__pydantic_fields__"):
        old = value.__dict__
        atoms = _ATOMS
        values = {name: item if item.__class__ in atoms else lightened(item, memo) for name, item in old.items()}
        if not issubclass(kind, Light):
            made = make(_class_of(kind), values, set(value.__pydantic_fields_set__))
        elif any(values[name] is not item for name, item in old.items()):
            made = make(kind, values, set(value.__pydantic_fields_set__))
    elif kind is list or kind is tuple:
        items = [lightened(item, memo) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            made = items if kind is list else tuple(items)
    elif kind is dict:
        entries = {key: lightened(item, memo) for key, item in value.items()}
        if any(entries[key] is not item for key, item in value.items()):
            made = entries
    memo[id(value)] = (value, made)  # the value is kept, so that its id is not reused by another while memo lives
    return made


_ATOMS = frozenset({str, int, bool, float, type(None), date, datetime})  # values that hold no model


def _real(value: Any) -> Any:
    """``value`` with every light instance in it (nested as :func:`lightened` goes) made real: what a real model
    built from a light instance holds, so that its methods and pydantic's serializer meet the models they expect."""
    if isinstance(value, Light):
        return value.model()
    if isinstance(value, (list, tuple)):
        items = [_real(item) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items if isinstance(value, list) else tuple(items)
    elif isinstance(value, dict):
        entries = {key: _real(item) for key, item in value.items()}
        if any(entries[key] is not item for key, item in value.items()):
            return entries
    return value


def _restore(spec: Spec, values: dict[str, Any], fields_set: set[str]) -> Light:
    cls = _CLASSES.get((spec.module, spec.name))  # light_class and make, inlined: a pack unpickles ~850 of these
    if cls is None or (cls._spec is not spec and cls._spec != spec):
        cls = light_class(spec)
    instance = object.__new__(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields_set)
    return instance


_set = object.__setattr__
