"""Validating the common input of a simple pydantic model in plain Python, without building its core schema.

Building a model's validator (its core schema, then pydantic-core's validator) costs more than the whole of the
rest of a small scenario's loading. For a model whose fields are all of a few simple kinds, :func:`plain_validator`
reads the model's own fields (their annotations, defaults, length constraints) and its own field validators, and
checks a parsed mapping with them in plain Python. The constraints are pydantic's, read from the model: never
written twice.

It only ever answers "valid, and here is the instance" or "not sure" (None). It accepts only what pydantic would
accept in the same way: exact types (``str`` is a ``str``, not a subclass or bytes; a ``bool`` is ``True`` or
``False``, not ``1`` or ``"yes"``), no unknown key, every required field given, every length within bounds, every
field validator passing. Anything else, and every model with a feature this module does not know (aliases,
model validators, validators that take ``info``, constraints other than lengths, defaults that are validated,
discriminators, a configuration other than ``extra="forbid"`` and ``frozen``), goes to ``model_validate``, which
stays the single source of error wording. The instance is made with ``model_construct`` from the checked values,
with the same set of fields given, so it equals (and dumps as) the one ``model_validate`` would return;
``tests/test_plainmodel.py`` checks that on generated input, valid and not.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import Any

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

_NO: Any = object()  # "not sure": pydantic decides
_KNOWN_CONFIG = frozenset({"extra", "frozen", "defer_build", "title"})  # keys that do not change validation here
_EXACT = (str, bool, date)  # types checked by identity of type (``type(v) is T``)

Check = Callable[[Any], Any]  # a value -> the validated value, or _NO


class _Unsupported(Exception):
    """The model has a feature this module does not check: it always goes to pydantic."""


def plain_validator(model: type[BaseModel]) -> Callable[[Any], BaseModel | None]:
    """A function from parsed data to the model's instance, or None where pydantic must decide (see the module);
    a model this module cannot check gets a function that always says None."""
    try:
        check = _model_check(model, {})
    except _Unsupported:
        return lambda data: None

    def validate(data: Any) -> BaseModel | None:
        value = check(data)
        return None if value is _NO else value

    return validate


def _model_check(model: type[BaseModel], seen: dict[type[BaseModel], Check]) -> Check:
    if model in seen:
        return seen[model]
    config = dict(model.model_config)
    decorators = model.__pydantic_decorators__
    if (set(config) - _KNOWN_CONFIG or config.get("extra") != "forbid" or not getattr(
            model, "__pydantic_fields_complete__", False) or model.__pydantic_generic_metadata__["origin"]
            or decorators.model_validators or decorators.root_validators or decorators.validators
            or model.__private_attributes__ or model.__pydantic_custom_init__ or model.__pydantic_post_init__):
        raise _Unsupported(model.__name__)
    before: dict[str, list[Check | None]] = {}
    after: dict[str, list[Check | None]] = {}
    for decorator in decorators.field_validators.values():
        mode = decorator.info.mode
        if mode not in ("before", "after") or not _takes_value_only(decorator.func):
            raise _Unsupported(f"{model.__name__}: validator {decorator.cls_var_name}")
        for name in decorator.info.fields:
            (before if mode == "before" else after).setdefault(name, []).append(decorator.func)
    if any(len(found) > 1 for found in (*before.values(), *after.values())):
        raise _Unsupported(f"{model.__name__}: several validators of one field")  # their order is pydantic's
    fields: list[tuple[str, Check, Check | None, Check | None, bool]] = []
    for name, info in model.model_fields.items():
        if info.alias is not None or info.validation_alias is not None:
            raise _Unsupported(f"{model.__name__}.{name}: an alias")
        if info.validate_default or info.discriminator is not None:
            raise _Unsupported(f"{model.__name__}.{name}: a validated default or a discriminator")
        check = _annotation_check(info.annotation, seen)
        check = _with_lengths(check, info.metadata, f"{model.__name__}.{name}")
        required = info.default is PydanticUndefined and info.default_factory is None
        first, last = before.get(name, [None])[0], after.get(name, [None])[0]
        fields.append((name, check, first, last, required))
    names = frozenset(name for name, *_ in fields)
    construct = model.model_construct

    def check_model(data: Any) -> Any:
        if type(data) is not dict or not names.issuperset(data):
            return _NO
        values: dict[str, Any] = {}
        for name, check, first, last, required in fields:
            if name not in data:
                if required:
                    return _NO
                continue
            value = data[name]
            try:
                if first is not None:
                    value = first(value)
                value = check(value)
                if value is _NO:
                    return _NO
                if last is not None:
                    value = last(value)
            except Exception:  # whatever it is, pydantic says it in its own words
                return _NO
            values[name] = value
        return construct(_fields_set=set(values), **values)

    seen[model] = check_model
    return check_model


def _takes_value_only(function: Callable[..., Any]) -> bool:
    """Whether a (bound) field validator takes the value alone, not pydantic's ``info`` too."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1 and parameters[0].kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                             inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _annotation_check(annotation: Any, seen: dict[type[BaseModel], Check]) -> Check:
    """The check of one annotation: ``Any``, ``str``, ``bool``, ``date``, ``X | None``, ``list[X]``,
    ``dict[str, X]`` and models of the same kind; anything else is unsupported."""
    if annotation is Any:
        return lambda value: value
    if annotation in _EXACT:
        return lambda value: value if type(value) is annotation else _NO
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_check(annotation, seen)
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and len(arguments) == 2 and type(None) in arguments:
        inner = _annotation_check(next(a for a in arguments if a is not type(None)), seen)
        return lambda value: None if value is None else inner(value)
    if origin is list and len(arguments) == 1:
        item = _annotation_check(arguments[0], seen)

        def check_list(value: Any) -> Any:
            if type(value) is not list:
                return _NO
            out = [item(x) for x in value]
            return _NO if any(x is _NO for x in out) else out

        return check_list
    if origin is dict and len(arguments) == 2 and arguments[0] is str:
        entry = _annotation_check(arguments[1], seen)

        def check_dict(value: Any) -> Any:
            if type(value) is not dict:
                return _NO
            out = {}
            for key, item in value.items():
                if type(key) is not str:
                    return _NO
                out[key] = checked = entry(item)
                if checked is _NO:
                    return _NO
            return out

        return check_dict
    raise _Unsupported(repr(annotation))


def _with_lengths(check: Check, metadata: list[Any], where: str) -> Check:
    """``check`` with the field's length bounds (``min_length``, ``max_length``); other constraints unsupported."""
    low, high = 0, None
    for item in metadata:
        if type(item) is MinLen:
            low = item.min_length
        elif type(item) is MaxLen:
            high = item.max_length
        else:
            raise _Unsupported(f"{where}: {item!r}")
    if low == 0 and high is None:
        return check

    def check_length(value: Any) -> Any:
        value = check(value)
        if value is None:  # an optional field left empty: the bounds are those of its text
            return None
        if type(value) is not str:  # lengths here bound text only (and _NO stays _NO)
            return _NO
        return value if low <= len(value) and (high is None or len(value) <= high) else _NO

    return check_length
