"""The ``webhook-receiver`` command: sign, verify, send, list samples, and run the demo.

::

    webhook-receiver demo
    webhook-receiver sign courier --secret S --file body.json [--format curl --url URL]
    webhook-receiver verify stripe --secret whsec_... --request captured.http [--explain]
    webhook-receiver send kourier delivery.updated --url http://127.0.0.1:8000/hooks/kourier --secret T
    webhook-receiver send courier --url URL --secret S [--timestamp SECONDS] [--header 'NAME: VALUE']
    webhook-receiver samples [PROVIDER]
    webhook-receiver worker myapp.webhooks:receiver [--concurrency 4]
    webhook-receiver inbox list|show|retry|purge --inbox inbox.sqlite3

Standard library only (argparse): the CLI adds no dependency. Bad arguments get one
line on stderr and exit status 2; a request that does not verify, or a send that is
not answered 2xx, exits 1. Secrets are never printed (``sign`` prints the headers a
sender sends, which for token and password schemes is the credential itself: that
is what those schemes put on the wire).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shlex
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__, _accel, _events
from ._cli_inbox import add_parsers as _inbox_parsers
from ._cli_inbox import run_db, run_inbox, run_worker
from ._cli_shared import PROG, Parser, UsageError
from ._errors import (
    ConfigurationError,
    MalformedHeader,
    MissingHeader,
    SignatureMismatch,
    TimestampOutsideTolerance,
    WebhookError,
)
from ._explain import explain as diagnose
from ._headers import Headers
from .providers import PROVIDERS, Provider
from .testing import DEMO_OPTIONS, SAMPLES, make_provider, sample, signed_request, to_body

__all__ = ["main"]


def _credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("provider", help=f"one of: {', '.join(sorted(PROVIDERS))}")
    parser.add_argument(
        "--secret",
        help="the signing secret (or token/key/password: whichever the provider uses); "
        "without it and without --option, the demo credentials",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other provider option, e.g. --option username=hooks --option auth=basic (repeatable)",
    )
    parser.add_argument(
        "--private-key",
        metavar="KEY",
        help="for providers verified with a public key (discord, sendgrid, standard-webhooks v1a): "
        "the private key to sign with (whsk_..., hex, base64, or @FILE for a PEM file); "
        "default: the demo key pair's, which only the demo public key verifies",
    )


class _Version(argparse.Action):
    """``--version``, printed on one line (argparse's own wraps it at the terminal's width)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(_version())
        parser.exit()


def _version() -> str:
    """The version, and which optional speedups this installation runs with."""
    orjson = "installed" if _events.orjson_installed() else "not installed"
    return f"{PROG} {__version__} (compiled verification path: {_accel.status()}; orjson: {orjson})"


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description="Receive webhooks safely: sign, verify, send and demo.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    demo = commands.add_parser(
        "demo",
        help="run a real receiver on 127.0.0.1 and send it every provider's events",
        description="Start a receiver app on 127.0.0.1 (no configuration needed), send it a signed "
        "sample of every provider's events plus tampered, stale and replayed ones, and show each "
        "status and what each handler received. Exits 0 when every outcome is the expected one.",
    )
    demo.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    demo.add_argument("--quiet", action="store_true", help="print only the summary line")

    sign = commands.add_parser(
        "sign",
        help="print the headers a provider would send with a body",
        description="Sign a body as the provider's sender would and print what it sends: the headers, "
        "and the body too when the provider signs inside it (Mailgun, Amazon SNS, Linear).",
    )
    _credentials(sign)
    sign.add_argument(
        "--file", default="-", metavar="PATH", help="the body to sign (default '-': standard input)"
    )
    sign.add_argument(
        "--timestamp",
        type=float,
        metavar="SECONDS",
        help="sign as of this unix time, e.g. an hour ago for a stale request (default: now)",
    )
    sign.add_argument(
        "--format",
        choices=["headers", "json", "curl"],
        default="headers",
        help="headers: one 'Name: value' line each (the default); json: one JSON object; "
        "curl: a curl command that posts the signed request to --url, which it then requires",
    )
    sign.add_argument(
        "--url",
        help="the URL the request goes to: required with --format curl (there is no default: a "
        "command aimed at a guessed URL would fail far from its cause); for URL-signed providers "
        "(twilio, square) also the URL signed, unless --option url= says otherwise",
    )

    verify = commands.add_parser(
        "verify",
        help="check a captured request and say exactly why it does or does not verify",
        description="Read a captured request (a raw HTTP request, or JSON with 'headers' and 'body' "
        "or 'body_base64') and verify it. Exits 0 when it verifies, 1 when it does not.",
    )
    _credentials(verify)
    verify.add_argument(
        "--request", required=True, metavar="PATH", help="the captured request file ('-': standard input)"
    )
    verify.add_argument(
        "--now", type=float, metavar="SECONDS", help="verify as of this unix time (default: now)"
    )
    verify.add_argument(
        "--explain",
        action="store_true",
        help="when the signature does not match, verify variants of the request and say which "
        "likely cause fits: the body re-serialised or a trailing newline added or removed, the "
        "secret in another encoding (whsec_ prefix, base64, hex, whitespace), the clock or time "
        "zone, or (twilio, square) another URL; never prints a secret",
    )
    verify.add_argument(
        "--try-url",
        action="append",
        default=[],
        metavar="URL",
        help="with --explain, for URL-signed providers: a URL the sender may have called "
        "(repeatable); the captured request's own Host and path are tried as well",
    )

    send = commands.add_parser(
        "send",
        help="POST a signed sample event to a URL",
        description="Sign a sample event (or --file) as the provider's sender would and POST it; "
        "print the status and the start of the answer. Exits 0 on a 2xx answer, else 1. "
        "--timestamp and --header try stale or forged requests.",
    )
    _credentials(send)
    send.add_argument(
        "event_type", nargs="?", help="the sample's event type (default: the first; see 'samples')"
    )
    send.add_argument(
        "--url",
        required=True,
        help="where to POST, e.g. http://127.0.0.1:8000/hooks/kourier; for URL-signed providers "
        "(twilio, square) also the URL signed, unless --option url= says otherwise",
    )
    send.add_argument(
        "--file", metavar="PATH", help="send this body instead of a sample ('-': standard input)"
    )
    send.add_argument(
        "--timestamp",
        type=float,
        metavar="SECONDS",
        help="sign as of this unix time, e.g. an hour ago to see a stale request refused (default: now)",
    )
    send.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="set this header after signing, replacing any of that name, e.g. a forged signature "
        "(repeatable; the last of one name wins)",
    )
    send.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="seconds to wait for the answer (default 10)",
    )

    listing = commands.add_parser("samples", help="list the sample event types, or print one")
    listing.add_argument("provider", nargs="?", help="only this provider")
    listing.add_argument("event_type", nargs="?", help="print this sample's JSON body")

    _inbox_parsers(commands)
    return parser


def _provider(args: argparse.Namespace) -> Provider:
    if args.provider not in PROVIDERS:
        raise UsageError(f"unknown provider {args.provider!r}; known: {', '.join(sorted(PROVIDERS))}")
    options: dict[str, Any] = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--option takes KEY=VALUE, not {item!r}")
        options[key] = value
    if "tolerance" in options:
        try:
            options["tolerance"] = float(options["tolerance"])
        except ValueError:
            raise UsageError("--option tolerance= takes a number of seconds") from None
    try:
        return make_provider(args.provider, secret=args.secret, **options)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def _read(path: str, what: str = "the body", option: str = "--file PATH") -> bytes:
    if path == "-":
        if sys.stdin.isatty():
            # Otherwise a forgotten --file looks like a hang.
            end = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D"
            print(
                f"{PROG}: reading {what} from the terminal: paste it, then {end} (or pass {option})",
                file=sys.stderr,
            )
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from None


def _private_key(args: argparse.Namespace) -> str | bytes | None:
    value: str | None = getattr(args, "private_key", None)
    if value is None or not value.startswith("@"):
        return value
    return _read(value[1:], "the private key", "--private-key @PATH")


def _signed(
    provider: Provider, body: bytes, args: argparse.Namespace, timestamp: float | None
) -> tuple[dict[str, str], bytes]:
    try:
        return signed_request(provider, body, timestamp=timestamp, private_key=_private_key(args))
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def _sign_the_url(args: argparse.Namespace) -> bool:
    """A URL-signed provider (Twilio, Square) signs the URL the request goes to, unless told otherwise."""
    if args.url is None or "url" not in DEMO_OPTIONS.get(args.provider, {}):
        return False
    if not any(item.startswith("url=") for item in args.option):
        args.option = [*args.option, f"url={args.url}"]
    return True


def _sign(args: argparse.Namespace) -> int:
    if args.format == "curl" and args.url is None:
        raise UsageError("--format curl needs --url, the URL the command posts to")
    url_signed = _sign_the_url(args)
    if args.url is not None and args.format != "curl" and not url_signed:
        raise UsageError("--url is used only with --format curl (or to sign a twilio or square URL)")
    provider = _provider(args)
    body = _read(args.file)
    headers, signed_body = _signed(provider, body, args, args.timestamp)
    # A provider that carries its signature in the body (Mailgun) changes the body:
    # then the body to send is printed too.
    changed = signed_body != body
    if args.format == "json":
        print(
            json.dumps(
                {"headers": headers, "body": signed_body.decode("utf-8")} if changed else headers, indent=2
            )
        )
    elif args.format == "curl":
        parts = ["curl", "-sS", "-X", "POST", args.url, "-H", f"Content-Type: {provider.content_types[0]}"]
        for name, value in headers.items():
            parts += ["-H", f"{name}: {value}"]
        data = f"@{args.file}" if args.file != "-" and not changed else signed_body.decode("utf-8", "replace")
        parts += ["--data-binary", data]
        print(shlex.join(parts))
    else:
        for name, value in headers.items():
            print(f"{name}: {value}")
        if changed:
            print()
            print(signed_body.decode("utf-8", "replace"))
    return 0


def parse_captured(raw: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """A captured request as (method, headers, body): raw HTTP, or JSON with headers and body."""
    stripped = raw.lstrip()
    if stripped.startswith(b"{"):
        try:
            document = json.loads(stripped)
        except ValueError:
            document = None
        if isinstance(document, dict) and "headers" in document:
            return _from_json(document)
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = raw.partition(b"\n\n")
    if not separator:
        raise UsageError(
            "the request file is neither a raw HTTP request (headers, blank line, body) nor JSON"
        )
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    request_line, header_lines = lines[0], lines[1:]
    method = request_line.split(" ", 1)[0].upper() if " " in request_line else "POST"
    if ":" in request_line and " " not in request_line.split(":", 1)[0]:
        method, header_lines = "POST", lines  # no request line: headers only
    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise UsageError(f"a header line has no colon: {name[:40]!r}")
        headers.append((name.strip(), value.strip()))
    return method, headers, body


def _from_json(document: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    raw_headers = document["headers"]
    pairs = raw_headers.items() if isinstance(raw_headers, dict) else raw_headers
    try:
        headers = [(str(name), str(value)) for name, value in pairs]
    except (TypeError, ValueError):
        raise UsageError("'headers' must be an object or a list of [name, value] pairs") from None
    if "body_base64" in document:
        try:
            body = base64.b64decode(str(document["body_base64"]), validate=True)
        except ValueError:
            raise UsageError("'body_base64' is not base64") from None
    else:
        value = document.get("body", "")
        body = value.encode() if isinstance(value, str) else to_body(value)
    return str(document.get("method", "POST")).upper(), headers, body


def explain(error: WebhookError) -> str:
    """Why a request failed, in words, never showing a secret or an expected signature."""
    if isinstance(error, TimestampOutsideTolerance):
        if error.age > 0:
            return f"stale: signed {error.age:.0f} s ago, beyond the tolerance of {error.tolerance:g} s"
        return (
            f"from the future: signed {-error.age:.0f} s ahead, beyond the tolerance of {error.tolerance:g} s"
        )
    if isinstance(error, MissingHeader):
        return f"the header {error.header!r} is missing or empty"
    if isinstance(error, MalformedHeader):
        return f"the header {error.header!r} is malformed: {error.problem}"
    if isinstance(error, SignatureMismatch):
        return f"no secret matched: {error.detail}"
    return error.detail


def _request_urls(raw: bytes, view: Headers) -> list[str]:
    """The URL a raw captured request was sent to, from its request line and ``Host``."""
    line = raw.lstrip().split(b"\n", 1)[0].decode("latin-1").split()
    hosts = view.getlist("Host")
    if len(line) != 3 or not line[1].startswith("/") or len(hosts) != 1:
        return []
    return [f"https://{hosts[0]}{line[1]}"]


def _verify(args: argparse.Namespace) -> int:
    provider = _provider(args)
    raw = _read(args.request, "the request", "--request PATH")
    method, headers, body = parse_captured(raw)
    view = Headers(headers)
    try:
        verified = provider.verify(view, body, now=args.now)
    except WebhookError as exc:
        print(f"NOT VERIFIED ({exc.status} {exc.code}): {explain(exc)}")
        if args.explain:
            urls = [*args.try_url, *_request_urls(raw, view)]
            for line in diagnose(provider, view, body, now=args.now, urls=urls).lines():
                print(f"  {line}")
        return 1
    try:
        events = provider.parse(view, body, verified)
    except WebhookError as exc:
        print(f"VERIFIED, but the body would be refused ({exc.status} {exc.code}): {exc.detail}")
        return 1
    kinds = ", ".join(f"{event.type} ({type(event).__name__})" for event in events[:5])
    more = f" and {len(events) - 5} more" if len(events) > 5 else ""
    print(f"VERIFIED: {method}, {len(body)} bytes, {provider.name}; {len(events)} event(s): {kinds}{more}")
    return 0


# RFC 9110: a field name is a token; a value is visible Latin-1 text, spaces and tabs.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


def _header(item: str) -> tuple[str, str]:
    """``--header "Name: value"`` as (name, value), the value without its surrounding blanks."""
    name, sep, value = item.partition(":")
    if not sep or not _HEADER_NAME.fullmatch(name):
        raise UsageError(f"--header takes 'Name: value' (a header name, a colon, the value), not {item!r}")
    if not _HEADER_VALUE.fullmatch(value):
        raise UsageError(
            f"--header {name}: the value must be one line of text (no line break or other control "
            "character, nothing beyond Latin-1)"
        )
    return name, value.strip(" \t")


def _send(args: argparse.Namespace) -> int:
    forged = [_header(item) for item in args.header]
    _sign_the_url(args)
    provider = _provider(args)
    extra: dict[str, str] = {}
    if args.file is not None:
        body = _read(args.file)
    else:
        try:
            chosen = sample(args.provider, args.event_type)
        except ConfigurationError as exc:
            raise UsageError(str(exc)) from None
        body, extra = chosen.body, chosen.headers
    if not args.url.startswith(("http://", "https://")):
        raise UsageError(f"--url must be an http:// or https:// URL, not {args.url!r}")
    signed, body = _signed(provider, body, args, args.timestamp)
    headers = {"Content-Type": provider.content_types[0], **extra, **signed}
    for name, value in forged:
        headers = {key: kept for key, kept in headers.items() if key.lower() != name.lower()}
        headers[name] = value
    request = urllib.request.Request(args.url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # noqa: S310 - http(s) only
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"{PROG}: error: could not reach {args.url}: {reason}", file=sys.stderr)
        return 1
    print(f"{status} {answer.decode('utf-8', 'replace')[:500]}")
    return 0 if 200 <= status < 300 else 1


def _samples(args: argparse.Namespace) -> int:
    if args.provider is None:
        for name, by_type in SAMPLES.items():
            print(f"{name}: {', '.join(by_type)}")
        return 0
    try:
        if args.event_type is None:
            print(
                "\n".join(SAMPLES[args.provider]) if args.provider in SAMPLES else sample(args.provider).type
            )
        else:
            print(json.dumps(sample(args.provider, args.event_type).payload, indent=2))
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    return run_demo(port=args.port, quiet=args.quiet)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    commands = {
        "demo": _demo,
        "sign": _sign,
        "verify": _verify,
        "send": _send,
        "samples": _samples,
        "worker": run_worker,
        "inbox": run_inbox,
        "db": run_db,
    }
    try:
        args = _parser().parse_args(argv)
        return commands[args.command](args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
