"""Every command and option of ``webhook-receiver`` says what it does (issue 19's first hour)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from webhook_receiver._cli_shared import Parser
from webhook_receiver.cli import _parser, main

# argparse's own -h/--help and --version document themselves.
_SELF_DOCUMENTING = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)


def _walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.Action]]:
    """Every action of ``parser`` and of its sub-commands, with the command it belongs to."""
    for action in parser._actions:
        yield path, action
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _walk(child, f"{path} {name}")


def _name(action: argparse.Action) -> str:
    return "/".join(action.option_strings) or str(action.metavar or action.dest)


def _said(text: str | None) -> bool:
    return bool(text and text != argparse.SUPPRESS and text.strip())


def undocumented(parser: argparse.ArgumentParser, prog: str) -> list[str]:
    """Every option, argument and sub-command without help text."""
    missing = []
    for path, action in _walk(parser, prog):
        if isinstance(action, argparse._SubParsersAction):
            documented = {choice.dest for choice in action._choices_actions if _said(choice.help)}
            missing += [f"{path} {name}" for name in action.choices if name not in documented]
        elif not isinstance(action, _SELF_DOCUMENTING) and not _said(action.help):
            missing.append(f"{path} {_name(action)}")
    return missing


def unstated_defaults(parser: argparse.ArgumentParser, prog: str) -> list[str]:
    """Every option with a default its help text does not mention."""
    unstated = []
    for path, action in _walk(parser, prog):
        if isinstance(action, _SELF_DOCUMENTING) or action.required:
            continue
        # store_true's False and append's [] mean "not given", not a default worth stating.
        if action.default in (None, False, [], argparse.SUPPRESS):
            continue
        if "default" not in (action.help or ""):
            unstated.append(f"{path} {_name(action)} (default {action.default!r})")
    return unstated


PARSER = _parser()
COMMANDS = sorted({path for path, _ in _walk(PARSER, "webhook-receiver")})


def test_the_walk_reaches_every_command() -> None:
    expected = ["demo", "sign", "verify", "send", "samples", "worker", "db init"]
    expected += ["inbox list", "inbox show", "inbox retry", "inbox purge"]
    assert {f"webhook-receiver {command}" for command in expected} <= set(COMMANDS)


def test_every_command_option_and_argument_has_help() -> None:
    assert undocumented(PARSER, "webhook-receiver") == []


def test_every_default_is_stated() -> None:
    assert unstated_defaults(PARSER, "webhook-receiver") == []


def test_the_checks_catch_what_is_missing() -> None:
    parser = Parser(prog="p")
    parser.add_argument("--version", action="version", version="1")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    quiet = commands.add_parser("quiet")
    quiet.add_argument("--format", default="text")
    quiet.add_argument("target")
    commands.add_parser("fine", help="has help").add_argument("--n", default=3, help="a number (default 3)")
    assert undocumented(parser, "p") == ["p quiet", "p quiet --format", "p quiet target"]
    assert unstated_defaults(parser, "p") == ["p quiet --format (default 'text')"]


@pytest.mark.parametrize("path", COMMANDS)
def test_help_renders(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*path.split()[1:], "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {path}")
