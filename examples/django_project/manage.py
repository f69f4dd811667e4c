#!/usr/bin/env python
"""Django's command-line utility for the webhook demo.

python examples/django_project/manage.py runserver 127.0.0.1:8000
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Run a Django management command with the demo's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webhookdemo.settings")
    try:
        import webhook_receiver  # noqa: F401 - installed, or ...
    except ImportError:  # ... run from a checkout: use the library next to this example
        sys.path.insert(1, str(HERE.parent.parent))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
