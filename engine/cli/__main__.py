"""``python -m engine.cli``: the ``obligations`` command."""

import sys

from .main import main

sys.exit(main())
