"""Validating the common input of a simple pydantic model in plain Python, without pydantic.

Building a model's validator (its core schema, then pydantic-core's validator) costs more than the whole of the
rest of a small scenario's loading, and importing pydantic costs more again. For a model whose fields are all of a
few simple kinds, :func:`plan_of` reads the model's own fields (their annotations, defaults, length constraints)
and its own field validators into a *plan*, plain data: the constraints are pydantic's, read from the model, never
written twice. :func:`checker` turns a plan into a function that checks a parsed mapping in plain Python, with no
pydantic; the plans of a scenario file's top level are kept on disk with the event checkers
(:mod:`.catalogue`), so that a warm process reads a scenario's top level without pydantic.

A check only ever answers "valid, and here is the instance" or "not sure" (None). It accepts only what pydantic
would accept in the same way: exact types (``str`` is a ``str``, not a subclass or bytes; a ``bool`` is ``True``
or ``False``, not ``1`` or ``"yes"``), no unknown key, every required field given, every length within bounds,
every field validator passing. Anything else, and every model with a feature this module does not know (aliases,
model validators, validators that take ``info``, constraints other than lengths, defaults that are validated,
discriminators, a configuration other than ``extra="forbid"`` and ``frozen``), goes to ``model_validate``, which
stays the single source of error wording. The instance is the model's light instance (:mod:`engine.light`) of the
checked values, with the defaults of the fields not given and the same set of fields given as ``model_validate``
would leave: it equals (and dumps as) the one ``model_validate`` would return; ``tests/test_plainmodel.py``
checks that on generated input, valid and not.
"""

from __future__ import annotations

import copy
import inspect
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..light import Spec, light_class, make

if TYPE_CHECKING:
    from pydantic import BaseModel

_NO: Any = object()  # "not sure": pydantic decides
_KNOWN_CONFIG = frozenset({"extra", "frozen", "defer_build", "title"})  # keys that do not change validation here
_EXACT = (str, bool, date)  # types checked by identity of type (``type(v) is T``)
_SHARED = (type(None), bool, str, int)  # defaults used as they are (pydantic copies others)

Check = Callable[[Any], Any]  # a value -> the validated value, or _NO
#: how a value is checked, as plain data: ("any",), ("exact", type), ("model", key), ("optional", plan),
#: ("list", plan), ("dict", plan) (keys are text), ("lengths", plan, low, high)
ValuePlan = tuple[Any, ...]
#: one field: its name, value plan, validators before and after (plain functions or None), whether it is required,
#: and its default when it is not: ("value", v) or ("factory", f)
FieldPlan = tuple[str, ValuePlan, Any, Any, bool, tuple[str, Any] | None]
#: one model: the spec of its light class and its fields in order
ModelPlan = tuple[Spec, tuple[FieldPlan, ...]]


class _Unsupported(Exception):
    """The model has a feature this module does not check: it always goes to pydantic."""


def key_of(model: type[Any]) -> str:
    return f"{model.__module__}:{model.__qualname__}"


def plan_of(model: type[BaseModel], plans: dict[str, ModelPlan | None] | None = None) -> dict[str, ModelPlan | None]:
    """The plans of ``model`` and of the models its fields hold, by :func:`key_of` (None for a model this module
    cannot check). Imports pydantic: the plans are made once, then kept."""
    plans = {} if plans is None else plans
    try:
        _model_plan(model, plans)
    except _Unsupported:
        plans[key_of(model)] = None
    return plans


def _model_plan(model: type[BaseModel], plans: dict[str, ModelPlan | None]) -> None:
    key = key_of(model)
    if key in plans:
        if plans[key] is None:
            raise _Unsupported(model.__name__)
        return
    from pydantic_core import PydanticUndefined

    from ..light import spec_of

    config = dict(model.model_config)
    decorators = model.__pydantic_decorators__
    if (set(config) - _KNOWN_CONFIG or config.get("extra") != "forbid" or not getattr(
            model, "__pydantic_fields_complete__", False) or model.__pydantic_generic_metadata__["origin"]
            or decorators.model_validators or decorators.root_validators or decorators.validators
            or model.__private_attributes__ or model.__pydantic_custom_init__ or model.__pydantic_post_init__):
        raise _Unsupported(model.__name__)
    plans[key] = None  # while its fields are read (a model that holds itself is not checked here)
    before: dict[str, list[Any]] = {}
    after: dict[str, list[Any]] = {}
    for decorator in decorators.field_validators.values():
        mode = decorator.info.mode
        if mode not in ("before", "after") or not _takes_value_only(decorator.func):
            raise _Unsupported(f"{model.__name__}: validator {decorator.cls_var_name}")
        for name in decorator.info.fields:
            (before if mode == "before" else after).setdefault(name, []).append(decorator.func)
    if any(len(found) > 1 for found in (*before.values(), *after.values())):
        raise _Unsupported(f"{model.__name__}: several validators of one field")  # their order is pydantic's
    fields: list[FieldPlan] = []
    for name, info in model.model_fields.items():
        if info.alias is not None or info.validation_alias is not None:
            raise _Unsupported(f"{model.__name__}.{name}: an alias")
        if info.validate_default or info.discriminator is not None:
            raise _Unsupported(f"{model.__name__}.{name}: a validated default or a discriminator")
        plan = _with_lengths(_annotation_plan(info.annotation, plans), info.metadata, f"{model.__name__}.{name}")
        required = info.default is PydanticUndefined and info.default_factory is None
        default = None if required else ("factory", info.default_factory) if info.default_factory is not None \
            else ("value", info.default)
        fields.append((name, plan, before.get(name, [None])[0], after.get(name, [None])[0], required, default))
    plans[key] = (spec_of(model), tuple(fields))


def _takes_value_only(function: Callable[..., Any]) -> bool:
    """Whether a (bound) field validator takes the value alone, not pydantic's ``info`` too."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1 and parameters[0].kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                             inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _annotation_plan(annotation: Any, plans: dict[str, ModelPlan | None]) -> ValuePlan:
    """The plan of one annotation: ``Any``, ``str``, ``bool``, ``date``, ``X | None``, ``list[X]``,
    ``dict[str, X]`` and models of the same kind; anything else is unsupported."""
    from pydantic import BaseModel

    if annotation is Any:
        return ("any",)
    if annotation in _EXACT:
        return ("exact", annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        _model_plan(annotation, plans)
        return ("model", key_of(annotation))
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and len(arguments) == 2 and type(None) in arguments:
        return ("optional", _annotation_plan(next(a for a in arguments if a is not type(None)), plans))
    if origin is list and len(arguments) == 1:
        return ("list", _annotation_plan(arguments[0], plans))
    if origin is dict and len(arguments) == 2 and arguments[0] is str:
        return ("dict", _annotation_plan(arguments[1], plans))
    raise _Unsupported(repr(annotation))


def _with_lengths(plan: ValuePlan, metadata: list[Any], where: str) -> ValuePlan:
    """``plan`` with the field's length bounds (``min_length``, ``max_length``); other constraints unsupported."""
    from annotated_types import MaxLen, MinLen

    low, high = 0, None
    for item in metadata:
        if type(item) is MinLen:
            low = item.min_length
        elif type(item) is MaxLen:
            high = item.max_length
        else:
            raise _Unsupported(f"{where}: {item!r}")
    return plan if low == 0 and high is None else ("lengths", plan, low, high)


# ---- checking with a plan, without pydantic ----------------------------------------------------------------------


def checker(plans: dict[str, ModelPlan | None], key: str) -> Callable[[Any], Any]:
    """A function from parsed data to the light instance of the model ``key`` names, or None where pydantic must
    decide; always None for a model without a plan."""
    if plans.get(key) is None:
        return lambda data: None
    check = _model_check(plans, key, {})

    def validate(data: Any) -> Any:
        value = check(data)
        return None if value is _NO else value

    return validate


def plain_validator(model: type[BaseModel]) -> Callable[[Any], Any]:
    """The check of a model (see the module), its plan read now from the model."""
    return checker(plan_of(model), key_of(model))


def _model_check(plans: dict[str, ModelPlan | None], key: str, seen: dict[str, Check]) -> Check:
    if key in seen:
        return seen[key]
    spec, field_plans = plans[key]  # type: ignore[misc]
    cls = light_class(spec)
    fields = [(name, _value_check(plan, plans, seen), first, last, required, default)
              for name, plan, first, last, required, default in field_plans]
    names = frozenset(name for name, *_ in fields)

    def check_model(data: Any) -> Any:
        if type(data) is not dict or not names.issuperset(data):
            return _NO
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name, check, first, last, required, default in fields:
            if name not in data:
                if required:
                    return _NO
                how, made = default  # type: ignore[misc]
                values[name] = made() if how == "factory" else made if type(made) in _SHARED \
                    else copy.deepcopy(made)
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
            given.add(name)
        return make(cls, values, given)

    seen[key] = check_model
    return check_model


def _value_check(plan: ValuePlan, plans: dict[str, ModelPlan | None], seen: dict[str, Check]) -> Check:
    kind = plan[0]
    if kind == "any":
        return lambda value: value
    if kind == "exact":
        exact = plan[1]
        return lambda value: value if type(value) is exact else _NO
    if kind == "model":
        return _model_check(plans, plan[1], seen)
    if kind == "optional":
        inner = _value_check(plan[1], plans, seen)
        return lambda value: None if value is None else inner(value)
    if kind == "list":
        if plan[1] == ("any",):  # a copy of the list (the events of a file: no call per item)
            return lambda value: list(value) if type(value) is list else _NO
        item = _value_check(plan[1], plans, seen)

        def check_list(value: Any) -> Any:
            if type(value) is not list:
                return _NO
            out = [item(x) for x in value]
            return _NO if any(x is _NO for x in out) else out

        return check_list
    if kind == "dict":
        entry = _value_check(plan[1], plans, seen)

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
    if kind == "lengths":
        check, low, high = _value_check(plan[1], plans, seen), plan[2], plan[3]

        def check_length(value: Any) -> Any:
            value = check(value)
            if value is None:  # an optional field left empty: the bounds are those of its text
                return None
            if type(value) is not str:  # lengths here bound text only (and _NO stays _NO)
                return _NO
            return value if low <= len(value) and (high is None or len(value) <= high) else _NO

        return check_length
    raise ValueError(f"not a plan: {plan!r}")
