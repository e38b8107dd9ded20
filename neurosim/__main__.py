"""``python -m neurosim``: the same as the ``neurosim`` command."""

import sys

from .cli import main

sys.exit(main())
