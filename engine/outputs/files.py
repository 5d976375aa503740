"""Writing an output file whole, or not at all: the picture, the calendar and the report page.

:func:`check_target` says, before a replay starts, whether a file can be written where the user asked (its folder
exists and is a folder, the name is not a folder, the suffix is one the format allows); :func:`write_whole` writes
the bytes to a temporary file beside the target and renames it over the target, so a reader never sees half a
file. A target that cannot be written (no such folder, a folder, a read-only place, ``/proc``) is bad input: one
line naming the option and the path, exit 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError


def check_target(target: str | Path, option: str, suffixes: Iterable[str] = ()) -> Path:
    """``target`` as a path, if a file may be written there; an :class:`InputError` naming ``option`` if not."""
    path = Path(target)
    allowed = tuple(suffixes)
    if allowed and path.suffix.lower() not in allowed:
        raise InputError(f"{option}: the file name must end in {' or '.join(allowed)}", path=str(path))
    if not path.parent.is_dir():
        raise InputError(f"{option}: no such folder to write the file in", path=str(path))
    if path.is_dir():
        raise InputError(f"{option}: this is a folder; name a file", path=str(path))
    return path


def write_whole(target: str | Path, data: bytes, option: str) -> Path:
    """Write ``data`` to ``target``: to a temporary file first, then renamed (permissions as for a new file)."""
    path = check_target(target, option)
    try:
        import tempfile  # here, not at the top: a run that writes no file does not import it (nor `random`)

        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{option}: cannot write here ({exc.strerror or exc})", path=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{option}: cannot write here ({exc.strerror or exc})", path=str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
