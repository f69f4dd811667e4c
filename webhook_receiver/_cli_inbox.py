"""``webhook-receiver worker``, ``inbox`` and ``db``: run, inspect and set up a durable inbox.

::

    webhook-receiver worker myapp.webhooks:receiver [--concurrency 4] [--once]
    webhook-receiver worker myapp.hooks:receiver --setup django:setup   # Django: settings first
    webhook-receiver worker myapp.hooks:receiver --inbox postgresql://app@db/app
    webhook-receiver inbox list --inbox inbox.sqlite3 [--state dead] [--json]
    webhook-receiver inbox show 42 --inbox postgresql://app@db/app
    webhook-receiver inbox retry --dead --inbox inbox.sqlite3     # or: retry 42 43
    webhook-receiver inbox purge --done --older-than 86400 --inbox inbox.sqlite3
    webhook-receiver db init postgresql://app@db/app              # the tables, once

``--inbox`` is an SQLite file, a ``postgresql://`` URL, or ``MODULE:ATTRIBUTE`` naming
an inbox of your own (anything implementing ``DurableInbox``) or a receiver that has
one; it defaults to the ``WEBHOOK_RECEIVER_INBOX`` environment variable.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from ._cli_shared import PROG, Parser, UsageError
from ._errors import ConfigurationError
from ._optional import MissingDependency
from ._receiver import Receiver
from .config import receivers_from_mapping
from .delivery.inbox import DurableInbox, InboxRecord, InboxState, RetryPolicy, SQLiteInbox
from .delivery.worker import DEFAULT_WORKER_LEASE, Worker

__all__ = ["add_parsers", "load_target", "open_inbox", "run_db", "run_inbox", "run_worker"]

INBOX_ENV = "WEBHOOK_RECEIVER_INBOX"


def add_parsers(commands: Any) -> None:
    """Add the ``worker`` and ``inbox`` commands to the CLI's subparsers."""
    worker = commands.add_parser(
        "worker",
        help="run the handlers of the events a deferred receiver stored in its inbox",
        description="Import the app's receivers (module:attribute naming a Receiver built with "
        "a durable inbox such as SQLiteInbox or PostgresInbox, the inbox itself, a configured "
        "Worker, or a WEBHOOK_RECEIVER-style mapping such as myproject.settings:WEBHOOK_RECEIVER) "
        "and run their stored events until SIGINT or SIGTERM, which let running handlers finish.",
    )
    worker.add_argument(
        "targets",
        nargs="+",
        metavar="MODULE:ATTRIBUTE",
        help="what to run, imported from the current directory: a Receiver with a durable inbox, "
        "the inbox, a Worker, or a WEBHOOK_RECEIVER-style settings mapping (one or more)",
    )
    worker.add_argument(
        "--inbox",
        help="run this inbox's events with the targets' receivers (an SQLite file, a postgresql:// "
        "URL, or MODULE:ATTRIBUTE); default: the targets' own inbox",
    )
    worker.add_argument("--table", help="the PostgreSQL inbox's table (default webhook_receiver_inbox)")
    worker.add_argument(
        "--setup",
        action="append",
        default=[],
        metavar="MODULE:CALLABLE",
        help="call this first, before importing the targets (repeatable); for Django: "
        "--setup django:setup with DJANGO_SETTINGS_MODULE set",
    )
    worker.add_argument("--concurrency", type=int, default=4, help="events run at once (default 4)")
    worker.add_argument(
        "--lease",
        type=float,
        default=DEFAULT_WORKER_LEASE,
        help=f"seconds a taken event is held without a heartbeat (default {DEFAULT_WORKER_LEASE:g})",
    )
    worker.add_argument("--poll", type=float, default=1.0, help="seconds between looks when idle (default 1)")
    worker.add_argument("--max-attempts", type=int, help="runs before an event is dead (default 8)")
    worker.add_argument("--initial-backoff", type=float, help="seconds before the second attempt (default 2)")
    worker.add_argument("--max-backoff", type=float, help="the longest wait between attempts (default 3600)")
    worker.add_argument("--once", action="store_true", help="run what is due now, then exit")
    worker.add_argument("--log-level", default="INFO", help="logging level (default INFO)")

    inbox = commands.add_parser("inbox", help="list, show, retry or purge the events in a durable inbox")
    actions = inbox.add_subparsers(dest="action", required=True, parser_class=Parser)
    listing = actions.add_parser("list", help="list events (counts per state first)")
    _inbox_option(listing)
    listing.add_argument(
        "--state",
        choices=[state.value for state in InboxState],
        help="only events in this state (default: every state)",
    )
    listing.add_argument("--namespace", help="only this receiver's events")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    show = actions.add_parser("show", help="one event, with its payload and last error")
    _inbox_option(show)
    show.add_argument("event", help="the event's id (from 'list') or its key")
    show.add_argument("--json", action="store_true", help="as JSON")

    retry = actions.add_parser("retry", help="replay events now with a fresh count of attempts")
    _inbox_option(retry)
    retry.add_argument("ids", nargs="*", type=int, help="the events' ids")
    retry.add_argument("--dead", action="store_true", help="every dead event")

    purge = actions.add_parser("purge", help="delete done or dead events")
    _inbox_option(purge)
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--done", action="store_true", help="done events")
    which.add_argument("--dead", action="store_true", help="dead events")
    purge.add_argument(
        "--older-than", type=float, metavar="SECONDS", help="only those finished that long ago"
    )

    database = commands.add_parser("db", help="set up the tables of a PostgreSQL store and inbox")
    database_actions = database.add_subparsers(dest="action", required=True, parser_class=Parser)
    init = database_actions.add_parser(
        "init",
        help="create the store's and the inbox's tables if missing (idempotent)",
        description="Create the PostgreSQL tables of PostgresStore and PostgresInbox if they are "
        "missing; safe to run on every deploy and from several machines at once. The receivers "
        "never create them on a request.",
    )
    init.add_argument("url", metavar="URL", help="postgresql://user[:password]@host[:port]/database")
    init.add_argument(
        "--store-table", default=None, help="the store's table (default webhook_receiver_events)"
    )
    init.add_argument(
        "--inbox-table", default=None, help="the inbox's table (default webhook_receiver_inbox)"
    )
    init.add_argument("--only", choices=["store", "inbox"], help="create only this one (default: both)")


def _inbox_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inbox",
        default=os.environ.get(INBOX_ENV),
        help=f"an SQLite file, a postgresql:// URL, or MODULE:ATTRIBUTE (default: ${INBOX_ENV})",
    )
    parser.add_argument("--table", help="the PostgreSQL inbox's table (default webhook_receiver_inbox)")


_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def _postgres() -> Any:
    try:
        from .delivery import postgres
    except MissingDependency as exc:
        raise UsageError(str(exc)) from None
    return postgres


def open_inbox(spec: str, *, table: str | None = None) -> DurableInbox:
    """The inbox ``--inbox`` names: a ``postgresql://`` URL, ``MODULE:ATTRIBUTE``, or an SQLite file.

    An SQLite file must exist (opening creates one, and a typo would list an empty inbox).
    """
    if spec.startswith(_POSTGRES_SCHEMES):
        options = {} if table is None else {"table": table}
        try:
            inbox: DurableInbox = _postgres().PostgresInbox.from_url(spec, **options)
        except ConfigurationError as exc:
            raise UsageError(str(exc)) from None
        return inbox
    if table is not None:
        raise UsageError("--table is for a PostgreSQL inbox (a postgresql:// URL)")
    if _TARGET.fullmatch(spec) and not Path(spec).exists():
        target = load_target(spec)
        found = target.inbox if isinstance(target, Receiver) else target
        if not isinstance(found, DurableInbox):
            raise UsageError(
                f"{spec} is not a durable inbox (SQLiteInbox, PostgresInbox, ...) or a receiver with one"
            )
        return found
    if not Path(spec).is_file():
        raise UsageError(f"no inbox at {spec!r}")
    return SQLiteInbox(spec)


def load_target(spec: str) -> object:
    """Import ``module:attribute`` (the current directory is importable, as for gunicorn)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"{spec!r} is not MODULE:ATTRIBUTE")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        value: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"cannot import {module_name!r}: {exc}") from None
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise UsageError(f"{module_name!r} has no attribute {attribute!r}") from None
    return value


def _worker_from(args: argparse.Namespace) -> Worker:
    for spec in args.setup:
        setup = load_target(spec)
        if not callable(setup):
            raise UsageError(f"--setup {spec} is not callable")
        setup()
    targets: list[tuple[str, object]] = []
    mappings: set[str] = set()
    for spec in args.targets:
        target = load_target(spec)
        if isinstance(target, Mapping):
            # The app's settings (webhook_receiver.config): its deferred receivers, built
            # as the app builds them, handed to the worker.
            try:
                configured = receivers_from_mapping(target, name=spec)
            except ConfigurationError as exc:
                raise UsageError(str(exc)) from None
            wanted = (
                configured.values()
                if args.inbox
                else [r for r in configured.values() if isinstance(r.inbox, DurableInbox)]
            )
            targets += [(spec, r) for r in wanted]
            mappings.add(spec)
        else:
            targets.append((spec, target))
    if not targets:
        raise UsageError("the mapping names no receiver with a durable inbox")
    workers = [t for _, t in targets if isinstance(t, Worker)]
    if workers:
        if len(targets) != 1 or args.inbox:
            raise UsageError("name one Worker (and no --inbox), or receivers/inboxes to build one")
        return workers[0]
    inboxes: list[DurableInbox] = []
    if args.inbox:
        # The targets bring their handlers; the events come from the inbox named here.
        if not all(isinstance(t, Receiver) for _, t in targets):
            raise UsageError("with --inbox, name receivers (or a settings mapping) for their handlers")
        inboxes.append(open_inbox(args.inbox, table=args.table))
        mappings.update(spec for spec, _ in targets)
    else:
        if args.table is not None:
            raise UsageError("--table goes with --inbox postgresql://...")
        for spec, target in targets:
            inbox = target.inbox if isinstance(target, Receiver) else target
            if not isinstance(inbox, DurableInbox):
                raise UsageError(
                    f"{spec} is not a Receiver with a durable inbox (SQLiteInbox, PostgresInbox), "
                    "an inbox or a Worker (a CeleryInbox's events run in 'celery worker')"
                )
            if inboxes and inbox is not inboxes[0]:
                raise UsageError("the targets use different inboxes: run one worker per inbox")
            inboxes.append(inbox)
    overrides = {
        "max_attempts": args.max_attempts,
        "initial": args.initial_backoff,
        "maximum": args.max_backoff,
    }
    try:
        policy = RetryPolicy(**{name: value for name, value in overrides.items() if value is not None})
        # A mapping's receivers are handed over; a named Receiver or inbox brings every
        # receiver its module attached to the inbox (as before mappings were accepted).
        receivers = [t for spec, t in targets if spec in mappings and isinstance(t, Receiver)]
        return Worker(
            inboxes[0],
            receivers=receivers or None,
            concurrency=args.concurrency,
            lease=args.lease,
            retry=policy,
            poll_interval=args.poll,
        )
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def _fields(policy: RetryPolicy) -> dict[str, Any]:
    return {
        name: getattr(policy, name) for name in ("max_attempts", "initial", "factor", "maximum", "jitter")
    }


def run_worker(args: argparse.Namespace) -> int:
    """``webhook-receiver worker``: run until SIGINT/SIGTERM (or once, with ``--once``)."""
    level = logging.getLevelName(str(args.log_level).upper())
    if not isinstance(level, int):
        raise UsageError(f"unknown --log-level {args.log_level!r}")
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = _worker_from(args)
    namespaces = ", ".join(worker.receivers.namespaces()) or "none"
    if args.once:
        ran = worker.run_once()
        print(f"{PROG} worker: ran {ran} event(s) from {worker.inbox.location}", file=sys.stderr)
        return 0
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker.start()
        print(
            f"{PROG} worker: running {namespaces} from {worker.inbox.location} (pid {os.getpid()})",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(3600):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        finished = worker.stop()
    print(
        f"{PROG} worker: stopped after {worker.processed} attempt(s)"
        + ("" if finished else "; handlers still running keep their lease until it runs out"),
        file=sys.stderr,
    )
    return 0


def _open(args: argparse.Namespace) -> DurableInbox:
    if not args.inbox:
        raise UsageError(f"name the inbox (a file, a postgresql:// URL) with --inbox or ${INBOX_ENV}")
    return open_inbox(args.inbox, table=args.table)


def _when(value: float | None) -> str:
    if value is None:
        return "-"
    return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def _as_json(record: InboxRecord, *, payload: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": record.id,
        "key": record.key,
        "namespace": record.namespace,
        "type": record.type,
        "state": record.state.value,
        "attempts": record.attempts,
        "received_at": record.received_at,
        "available_at": record.available_at,
        "finished_at": record.finished_at,
        "last_error": record.last_error,
    }
    if payload:
        document["payload"] = json.loads(record.payload)
        document["headers"] = [list(pair) for pair in record.headers]
    return document


def run_inbox(args: argparse.Namespace) -> int:
    """``webhook-receiver inbox list|show|retry|purge``."""
    inbox = _open(args)
    try:
        return _INBOX_ACTIONS[args.action](inbox, args)
    except OSError as exc:  # a moved SQLite file, an unreachable server
        print(f"{PROG}: {inbox.location}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if not _database_error(exc):
            raise
        # A missing table, a refused connection: one line, never a traceback or a password.
        print(f"{PROG}: {inbox.location}: {exc}", file=sys.stderr)
        return 1
    finally:
        inbox.close()


def _database_error(error: Exception) -> bool:
    """Whether ``error`` is the database's (psycopg's, or a missing table), not a bug of ours."""
    if type(error).__name__ == "SchemaMissing":
        return True
    return type(error).__module__.split(".")[0] in ("psycopg", "psycopg_pool")


def run_db(args: argparse.Namespace) -> int:
    """``webhook-receiver db init URL``: create the PostgreSQL tables (idempotent)."""
    if not args.url.startswith(_POSTGRES_SCHEMES):
        raise UsageError("db init takes a postgresql:// URL (SQLite files create their tables themselves)")
    postgres = _postgres()
    made: list[Any] = []
    try:
        if args.only in (None, "store"):
            options = {} if args.store_table is None else {"table": args.store_table}
            made.append(postgres.PostgresStore.from_url(args.url, **options))
        if args.only in (None, "inbox"):
            options = {} if args.inbox_table is None else {"table": args.inbox_table}
            made.append(postgres.PostgresInbox.from_url(args.url, **options))
        for each in made:
            each.create_schema()
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None
    except Exception as exc:
        if not _database_error(exc):
            raise
        print(f"{PROG}: {postgres.redact(args.url)}: {exc}", file=sys.stderr)
        return 1
    finally:
        for each in made:
            each.close()
    tables = ", ".join(each._db.table for each in made)
    print(f"tables ready in {postgres.redact(args.url)}: {tables}")
    return 0


def _list(inbox: DurableInbox, args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    records = inbox.list(state=args.state, namespace=args.namespace, limit=args.limit)
    if args.json:
        for record in records:
            print(json.dumps(_as_json(record, payload=False)))
        return 0
    counts = inbox.counts()
    print("  ".join(f"{state.value}: {counts[state]}" for state in InboxState))
    for record in records:
        error = f"  {record.last_error[:80]}" if record.last_error else ""
        print(
            f"{record.id:>7}  {record.state.value:<7}  {record.attempts:>2}x  {_when(record.received_at)}  "
            f"{record.namespace}  {record.type}{error}"
        )
    return 0


def _show(inbox: DurableInbox, args: argparse.Namespace) -> int:
    wanted: int | str = int(args.event) if args.event.isdigit() else args.event
    record = inbox.get(wanted)
    if record is None:
        print(f"{PROG}: no event {args.event!r} in {inbox.location}", file=sys.stderr)
        return 1
    document = _as_json(record, payload=True)
    if args.json:
        print(json.dumps(document, indent=2))
        return 0
    for name in ("id", "key", "namespace", "type", "state", "attempts"):
        print(f"{name}: {document[name]}")
    for name in ("received_at", "available_at", "finished_at"):
        print(f"{name}: {_when(document[name])}")
    print(f"last_error: {record.last_error or '-'}")
    for header, value in record.headers:
        print(f"header: {header}: {value}")
    print("payload:")
    print(json.dumps(document["payload"], indent=2))
    return 0


def _retry(inbox: DurableInbox, args: argparse.Namespace) -> int:
    if args.dead == bool(args.ids):
        raise UsageError("name event ids, or --dead for every dead event")
    changed = inbox.retry(None if args.dead else args.ids, now=time.time())
    print(f"{changed} event(s) pending again")
    return 0


def _purge(inbox: DurableInbox, args: argparse.Namespace) -> int:
    state = InboxState.DONE if args.done else InboxState.DEAD
    before = None if args.older_than is None else time.time() - args.older_than
    removed = inbox.purge(state, before=before)
    print(f"{removed} {state.value} event(s) purged")
    return 0


_INBOX_ACTIONS = {"list": _list, "show": _show, "retry": _retry, "purge": _purge}
