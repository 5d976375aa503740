"""The set-up script (`scripts/bootstrap`): which interpreter it takes, and the one line it gives when it cannot.

These runs stop before anything is installed: the interpreters are small fakes that answer the version checks.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BOOTSTRAP = Path(__file__).resolve().parent.parent / "scripts" / "bootstrap"

#: answers the script's version checks as CPython 3.10 would (out of range, so the script stops there)
FAKE_310 = """#!/bin/sh
case "$2" in
  *platform*) echo "CPython 3.10.0" ;;
  *version_info*) echo 3.10; exit 1 ;;
esac
exit 0
"""
SHIM = "#!/bin/sh\necho \"pyenv: $(basename \"$0\"): command not found\" >&2\nexit 127\n"


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def _bootstrap(tmp_path: Path, python: str, *, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": python, "PATH": f"{path}:/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "pyenv")}
    return subprocess.run(["bash", str(BOOTSTRAP)], capture_output=True, text=True, env=env, check=False,
                          cwd=tmp_path, timeout=60)


def test_a_python_outside_3_11_to_3_13_gets_one_line_naming_it(tmp_path: Path) -> None:
    fake = _executable(tmp_path / "bin" / "python3.10", FAKE_310)
    done = _bootstrap(tmp_path, str(fake), path=tmp_path / "bin")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"bootstrap: PYTHON={fake} is CPython 3.10.0; the engine runs on CPython "
                                        "3.11, 3.12 or 3.13"]


def test_a_python_that_does_not_exist_gets_one_line(tmp_path: Path) -> None:
    done = _bootstrap(tmp_path, "python3.99", path=tmp_path / "bin")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["bootstrap: PYTHON=python3.99 does not run; name a CPython 3.11, 3.12 or "
                                        "3.13 interpreter"]


def test_a_pyenv_shim_of_a_version_pyenv_has_not_selected_resolves_to_that_versions_interpreter(
        tmp_path: Path) -> None:
    _executable(tmp_path / "shims" / "python3.13", SHIM)
    installed = _executable(tmp_path / "pyenv" / "versions" / "3.13.0" / "bin" / "python3.13", FAKE_310)
    done = _bootstrap(tmp_path, "python3.13", path=tmp_path / "shims")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"bootstrap: PYTHON={installed} is CPython 3.10.0; the engine runs on "
                                        "CPython 3.11, 3.12 or 3.13"]
