"""Finding and reading rule packs.

The bundled packs live in the ``rules`` package, found through Python's import system (its spec, or
:mod:`importlib.resources`), so they are found the same way from a source checkout, an editable install or an
installed wheel, whatever the current directory. A pack is a folder with a ``resolution.yaml`` manifest, an
actor registry and rule files.

A pack read, checked and compiled is kept in a cache on disk (:mod:`engine.rulepack.cache`), so that later runs
read neither its YAML nor check it again while its files and the engine's code are unchanged. Reading and checking
need pydantic, which is imported only then: a pack taken from the cache is held as light instances and needs none.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RuleError, reported_as
from . import cache
from .compiler import CompiledPack, compile_pack
from .pack import Origin, RulePack, made_light

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_PACK = "res2364"


def _rules() -> Traversable:
    """The ``rules`` package's folder. A package that is a folder on disk (a source checkout, an editable install,
    an installed wheel) is that folder as a :class:`~pathlib.Path`, which is what :mod:`importlib.resources` would
    give for it, without importing its readers (they import :mod:`zipfile`, a cost on every start-up); any other
    (e.g. inside a zip file) is found through :mod:`importlib.resources`."""
    spec = importlib.util.find_spec("rules")
    origin = spec.origin if spec is not None else None
    if origin is not None and Path(origin).name == "__init__.py" and Path(origin).is_file():
        return Path(origin).parent
    from importlib import resources

    return resources.files("rules")


def bundled_packs() -> list[str]:
    """Names of the rule packs shipped with the engine."""
    root = _rules()
    return sorted(item.name for item in root.iterdir() if item.is_dir() and (item / "resolution.yaml").is_file())


def _read(node: Traversable, shown: str) -> str:
    try:
        return node.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError("no such file", path=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read: {exc}", path=shown) from None


def _parse(text: str, shown: str) -> tuple[Any, Any]:
    from ..inputs.sources import parse

    with reported_as(RuleError):  # a problem of the file itself: report it as a rule-file error
        return parse(text, path=shown)


class _Files:
    """Reads the files of the pack in ``root``, keeping the digest of each text read (for the cache)."""

    def __init__(self, root: Traversable, shown_root: str) -> None:
        self.root, self.shown_root = root, shown_root
        self.digests: dict[str, str] = {}

    def read(self, key: str) -> str:
        """The text of the file ``key`` names (see :func:`engine.rulepack.cache.node`)."""
        text = _read(cache.node(self.root, key), f"{self.shown_root}/{key.split(':', 1)[1]}")
        self.digests[key] = cache.text_digest(text)
        return text


def _parse_model(model: Any, files: _Files, name: str) -> tuple[Any, Any]:
    from pydantic import ValidationError

    from ..inputs.sources import first_error

    shown = f"{files.shown_root}/{name}"
    data, lines = _parse(files.read(f"join:{name}"), shown)
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise first_error(exc, path=shown, lines=lines, error_type=RuleError) from None


def read_pack(root: Traversable, *, name: str, shown_root: str) -> RulePack:
    """Read and validate the pack in folder ``root`` (``shown_root`` is how paths appear in messages)."""
    return _read_pack(_Files(root, shown_root), name)


def _read_pack(files: _Files, name: str) -> RulePack:
    """The pack whose files ``files`` reads: validated, cross-checked and made light."""
    from pydantic import ValidationError

    from ..inputs.actors import Actor, ActorRegistry
    from ..inputs.sources import first_error
    from .checks import check
    from .rulebook import Manifest, RuleFile

    shown_root = files.shown_root
    manifest, _ = _parse_model(Manifest, files, "resolution.yaml")
    resolution_text = files.read(f"walk:{manifest.text}")

    actors_path = f"{shown_root}/{manifest.actors}"
    data, lines = _parse(files.read(f"join:{manifest.actors}"), actors_path)
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list) or set(data) != {"actors"}:
        raise RuleError("an actor file holds one key, `actors`, with a list of actors", path=actors_path, line=1)
    actors = []
    for i, raw in enumerate(data["actors"]):
        try:
            actors.append(Actor.model_validate(raw))
        except ValidationError as exc:
            raise first_error(exc, path=actors_path, lines=lines, prefix=("actors", i), error_type=RuleError) from None
    try:
        registry = ActorRegistry(actors)
    except ValueError as exc:
        raise RuleError(str(exc), path=actors_path) from None

    paragraphs = []
    where: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for file_name in manifest.files:
        shown = f"{shown_root}/{file_name}"
        rule_file, lines = _parse_model(RuleFile, files, file_name)
        starts = lines.lines_of([("paragraphs", i) for i in range(len(rule_file.paragraphs))])  # one reading
        for i, paragraph in enumerate(rule_file.paragraphs):
            paragraphs.append(paragraph)
            where.setdefault(paragraph.id, (shown, lines, ("paragraphs", i)))
            origins.setdefault(paragraph.id, Origin(shown, starts[("paragraphs", i)]))
    pack = RulePack(
        name=name,
        manifest=manifest,
        actors=registry,
        resolution_text=resolution_text,
        paragraphs=paragraphs,
        origins=origins,
    )
    return made_light(check(pack, where))


@functools.lru_cache(maxsize=8)
def _bundled(name: str) -> tuple[RulePack, CompiledPack | None]:
    available = bundled_packs()
    if name not in available:
        raise RuleError(f"no bundled rule pack {name!r}; available: {', '.join(available)}", path="rules")
    return _cached(_rules() / name, name=name, shown_root=f"rules/{name}")


def load_pack(name: str = DEFAULT_PACK) -> RulePack:
    """A bundled rule pack by name (cached: packs are immutable once loaded)."""
    return _bundled(name)[0]


def compiled_pack(name: str = DEFAULT_PACK) -> CompiledPack:
    """A bundled rule pack compiled with its own assumptions (cached with the pack)."""
    pack, compiled = _bundled(name)
    return compiled if compiled is not None else compile_pack(pack)


def load_pack_from(folder: Path) -> RulePack:
    """A rule pack from a folder on disk (for people writing their own packs)."""
    if not (folder / "resolution.yaml").is_file():
        raise RuleError("not a rule pack: no resolution.yaml in this folder", path=str(folder))
    return _cached(folder, name=folder.name, shown_root=str(folder))[0]


def _cached(root: Traversable, *, name: str, shown_root: str) -> tuple[RulePack, CompiledPack | None]:
    """The pack in ``root`` and its compilation (None if it does not compile: the error comes when it is used),
    from the cache on disk when it holds them for these very files, else read, checked, compiled and cached."""
    compiled = cache.load(root, shown_root, _read)
    if compiled is not None and compiled.pack.name == name:
        return compiled.pack, compiled
    files = _Files(root, shown_root)
    pack = _read_pack(files, name)
    try:
        compiled = compile_pack(pack)
    except Exception:  # e.g. beyond durable-rules' limits: raised again when the pack is compiled for a replay
        return pack, None
    cache.store(root, shown_root, files.digests, compiled, _read)
    return pack, compiled
