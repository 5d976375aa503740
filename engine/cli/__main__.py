"""``python -m engine.cli``: the ``obligations`` command."""

import sys

from .main import command

sys.exit(command())
