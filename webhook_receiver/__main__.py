"""``python -m webhook_receiver``: the same as the ``webhook-receiver`` command."""

import sys

from .cli import main

sys.exit(main())
