"""A cache on disk of rule packs as read, checked and compiled, so that a run does not parse the pack's YAML,
validate it and compile it every time.

Where: ``$OBLIGATIONS_CACHE_DIR``, else ``$XDG_CACHE_HOME/obligations``, else ``~/.cache/obligations``: never
inside the package or a repository. ``OBLIGATIONS_NO_CACHE=1`` turns it off. A folder that cannot be made, read
or written means no cache, silently: the pack is read as if there were none.

One file per pack, folder and Python version (:func:`entry_path`): a line of JSON saying what the entry was
made from — the digest of the text of every file the pack was read from, of the engine's code that reads, checks
and compiles packs (:data:`CODE`), Python's, pydantic's and durable-rules' versions — and the digest of the
payload; then the payload, a pickle of the compiled pack. The pack's models are light instances
(:func:`engine.rulepack.pack.made_light`), so that unpickling the payload imports no pydantic; nor does reading
the versions, which are taken from the installed packages' files (:func:`_versions`), not by importing them.
An entry is unpickled only when all of these match now and the file is the user's own, writable by nobody else;
anything else (stale, truncated, corrupt, foreign) is ignored, and the pack is read again and the entry written
anew. Entries are written whole: a temporary file in the same folder, then renamed over the old one, so that a
reader never sees half an entry and two writers at once leave one whole entry.

A file is not read again to compare its digest when it is plainly the one the entry was made from: the entry
also records each file's size, modification time (in nanoseconds) and inode number, taken before the file was
hashed, and a file whose three are unchanged is taken as unchanged, as Python's own bytecode cache takes a
source whose size and modification time are unchanged. That is sound except for a file rewritten, to the same
size, within one tick of the file system's clock after it was recorded; so the shortcut is taken only for files
whose recorded modification time is at least :data:`SETTLED_NS` older than the entry itself (as git does for
its index): a file changed since must then have a later time. Any other file is read and its digest compared.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:  # CPython's own BLAKE2, which hashlib hands out: without the OpenSSL library that importing hashlib loads
    from _blake2 import blake2b as _blake2b
except ImportError:  # (another Python)
    from hashlib import blake2b as _blake2b

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .compiler import CompiledPack

FORMAT = 4  # the layout of an entry; raised whenever it changes (3: the pack's models are light instances; 4: BLAKE2b)
ENV_DIR = "OBLIGATIONS_CACHE_DIR"
ENV_OFF = "OBLIGATIONS_NO_CACHE"
#: the engine's code that a cached pack depends on: every module that reads, checks or compiles a pack, or
#: defines what is pickled (folders: each module in them)
CODE = ("rulepack", "inputs", "dates.py", "text.py", "errors.py", "light.py", "record.py")
_ENGINE = Path(__file__).resolve().parent.parent
_SAFE_MODE = 0o022  # an entry writable by its group or by others is not trusted
_SMALL_FILE = 1 << 20  # bytes: a package's file up to this size is keyed by its digest, a larger one by its size
SETTLED_NS = 2_000_000_000  # a file's recorded time must be this much older than the entry (coarse clocks: 2 s)


def cache_dir() -> Path | None:
    """The folder entries go in, or None when the cache is off or there is no home to put it in."""
    if os.environ.get(ENV_OFF, "") not in ("", "0"):
        return None
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (KeyError, RuntimeError):  # no home directory
            return None
    return Path(base) / "obligations"


def entry_path(folder: Path, root: Traversable, shown_root: str) -> Path:
    """The entry of the pack in ``root`` for this Python."""
    where = json.dumps([str(root), shown_root, sys.version, sys.implementation.cache_tag])
    return folder / f"pack-{digest(where.encode())[:32]}.pickle"


def node(root: Traversable, key: str) -> Traversable:
    """The file a key of an entry's ``files`` names: ``join:NAME`` is ``root / NAME``; ``walk:PATH`` walks the
    ``/``-separated PATH from ``root``, ``..`` going to the parent (as the loader finds the resolution's text)."""
    how, relative = key.split(":", 1)
    if how == "join":
        return root / relative
    if how != "walk":
        raise ValueError(f"not a file key: {key!r}")
    found = root
    for part in relative.split("/"):
        found = found.parent if part == ".." else found / part  # type: ignore[attr-defined]
    return found


def digest(data: bytes) -> str:
    """The digest entries record and are named by: BLAKE2b of 32 bytes, in hex (as strong as SHA-256; taken from
    CPython's own module, so that a warm run does not load OpenSSL, about 4 ms)."""
    return _blake2b(data, digest_size=32).hexdigest()


def text_digest(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"))


def _code_files(items: tuple[str, ...] = CODE) -> list[Path]:
    """The engine's source files that ``items`` name (folders: each module in them), in a fixed order."""
    files: list[Path] = []
    for item in items:
        path = _ENGINE / item
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return files


def _code_digest() -> str:
    """The digest of the engine's code a cached pack depends on (:data:`CODE`)."""
    return code_digest(CODE)


def _signature(node: Any) -> list[int] | None:
    """A file's size, modification time (ns) and inode number; None for a file that is not on disk as a path."""
    if not isinstance(node, Path):
        return None
    try:
        status = os.stat(node)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ino]


def _code_signatures(items: tuple[str, ...] = CODE) -> dict[str, list[int] | None]:
    return {source.relative_to(_ENGINE).as_posix(): _signature(source) for source in _code_files(items)}


def code_settled(recorded: Any, items: tuple[str, ...], written_ns: int) -> bool:
    """Whether the engine's source files that ``items`` name are plainly those whose signatures an entry written
    at ``written_ns`` recorded (see :func:`_settled`): the same files, each settled."""
    now = _code_signatures(items)
    return isinstance(recorded, dict) and recorded.keys() == now.keys() and all(
        _settled(recorded[name], signature, written_ns) for name, signature in now.items())


def _settled(recorded: Any, now: list[int] | None, written_ns: int) -> bool:
    """Whether a file is plainly the one recorded: same size, time and inode, recorded well before the entry."""
    return now is not None and recorded == now and now[1] <= written_ns - SETTLED_NS


def _versions() -> dict[str, str]:
    """What identifies the Python, pydantic and durable-rules that made an entry, read from their files without
    importing them (importing pydantic is what a warm run spares): the names of their distributions' metadata
    folders (which carry the version), pydantic's version file, and the size of each package's compiled code."""
    listed: dict[Path, list[str]] = {}  # each folder is listed once (the three are usually in one)
    return {"python": sys.version,
            "pydantic": _installed("pydantic", "pydantic", "version.py", listed) + " " + _installed(
                "pydantic_core", "pydantic_core", "_pydantic_core.", listed),
            "durable-rules": _installed("durable_rules_engine", "durable_rules", "", listed)}


def _installed(module: str, distribution: str, files: str, listed: dict[Path, list[str]]) -> str:
    """The metadata folders of ``distribution`` beside ``module`` (found, not imported), then the digest of each
    file of the module's folder whose name starts with ``files`` (none for a module that is one compiled file,
    whose own name and size are taken instead)."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return "unknown"
    origin = Path(spec.origin)
    package = origin.parent
    folder = package.parent if spec.submodule_search_locations is not None else package
    for place in (folder, package):
        if place not in listed:
            listed[place] = sorted(os.listdir(place))
    infos = [name for name in listed[folder] if name.startswith(f"{distribution}-") and name.endswith(".dist-info")]
    found = [",".join(infos)]
    if files:
        found += [f"{name}:{_file_digest(package / name)}" for name in listed[package]
                  if name.startswith(files) and (package / name).is_file()]
    else:
        found += [origin.name, str(origin.stat().st_size)]
    return " ".join(found)


def _file_digest(path: Path) -> str:
    """The digest of a small file; of a large one (a compiled library), its size."""
    size = path.stat().st_size
    if size > _SMALL_FILE:
        return str(size)
    return digest(path.read_bytes())


def _header(files: dict[str, str], payload: bytes, code: str) -> dict[str, Any]:
    return {"format": FORMAT, **_versions(), "code": code, "files": files,
            "payload": digest(payload)}


def load(root: Traversable, shown_root: str, read: Callable[[Traversable, str], str]) -> CompiledPack | None:
    """The cached compiled pack of ``root``, if there is a sound entry for it that is not stale; else None.

    ``read(file, shown)`` reads a file's text as the loader does: each file the entry was made from is read again
    and its digest compared, unless it is plainly unchanged (see the module)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        opened = _open_entry(entry_path(folder, root, shown_root))
        if opened is None:
            return None
        status, header_line, payload = opened
        header = json.loads(header_line)
        if not isinstance(header, dict) or header.get("format") != FORMAT or not isinstance(header.get("files"), dict):
            return None
        recorded = header.pop("signatures")
        written = status.st_mtime_ns
        code = header["code"] if code_settled(recorded["code"], CODE, written) else _code_digest()
        files = {}
        for key in header["files"]:
            node_ = node(root, key)
            files[key] = (header["files"][key] if _settled(recorded["files"].get(key), _signature(node_), written)
                          else text_digest(read(node_, f"{shown_root}/{key.split(':', 1)[1]}")))
        if header != _header(files, payload, code):
            return None
        compiled = pickle.loads(payload)
    except Exception:  # unreadable, not JSON, a file of the pack gone, a payload that does not unpickle: rebuild
        return None
    from .compiler import CompiledPack

    return compiled if isinstance(compiled, CompiledPack) else None


def store(root: Traversable, shown_root: str, files: dict[str, str], compiled: CompiledPack,
          read: Callable[[Traversable, str], str]) -> None:
    """Write the entry of ``root``: ``files`` maps each file read (its key, see :func:`node`) to its text's digest.

    Each file's signature is taken before its digest is checked again (with ``read``), so that a signature never
    describes a later text than the digest; a file that changed since it was read is given none (nor is the
    entry trusted: its digest no longer matches)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        code_signatures = _code_signatures()
        code = _code_digest()
        signatures: dict[str, list[int] | None] = {}
        for key, digest in files.items():
            node_ = node(root, key)
            signature = _signature(node_)
            if signature is not None and text_digest(read(node_, key)) == digest:
                signatures[key] = signature
        payload = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        header = json.dumps({**_header(files, payload, code),
                             "signatures": {"code": code_signatures, "files": signatures}}, sort_keys=True).encode()
        _write_whole(entry_path(folder, root, shown_root), header, payload, ".pack-")
    except Exception:  # a folder that cannot be made or written, a full disk: no cache
        return


def _open_entry(path: Path) -> tuple[os.stat_result, bytes, bytes] | None:
    """The status, header line and payload of the entry at ``path``, if the file is the user's own and writable by
    nobody else; else None (an error opening or reading it is raised)."""
    with open(path, "rb") as stream:
        status = os.fstat(stream.fileno())
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & _SAFE_MODE):
            return None
        return status, stream.readline(), stream.read()


def _write_whole(path: Path, header: bytes, payload: bytes, prefix: str) -> None:
    """Write an entry whole: a temporary file in its folder (made if need be), then renamed over ``path``."""
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(header + b"\n" + payload)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


# ---- entries of other kinds (the checkers of a scenario's inputs): same folder, same trust, same atomic writes ----


def read_entry(path: Path) -> tuple[int, dict[str, Any], bytes] | None:
    """When the entry at ``path`` was written (its modification time, ns), its header (a JSON object on the first
    line) and its payload, if the file is the user's own, writable by nobody else, and its payload has the
    digest its header records; else None."""
    try:
        opened = _open_entry(path)
        if opened is None:
            return None
        status, header_line, payload = opened
        header = json.loads(header_line)
    except Exception:  # no entry, unreadable, not JSON
        return None
    if not isinstance(header, dict) or header.get("payload") != digest(payload):
        return None
    return status.st_mtime_ns, header, payload


def write_entry(path: Path, header: dict[str, Any], payload: bytes) -> None:
    """Write an entry whole (a temporary file in the folder, renamed over ``path``); its header records the
    payload's digest. A folder that cannot be made or written means no entry, silently."""
    try:
        text = json.dumps({**header, "payload": digest(payload)}, sort_keys=True).encode()
        _write_whole(path, text, payload, ".entry-")
    except Exception:
        return


def code_digest(items: tuple[str, ...]) -> str:
    """The digest of the engine's source files that ``items`` name (folders: each module in them)."""
    whole = _blake2b(digest_size=32)
    for source in _code_files(items):
        whole.update(f"{source.relative_to(_ENGINE).as_posix()}\0".encode())
        whole.update(source.read_bytes())
        whole.update(b"\0")
    return whole.hexdigest()
