"""What the ``webhook-receiver`` command's modules share."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["PROG", "Parser", "UsageError"]

PROG = "webhook-receiver"


class UsageError(Exception):
    """A bad argument: one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors become :class:`UsageError`."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing usage and exiting."""
        raise UsageError(f"{message} (see: {self.prog} --help)")
