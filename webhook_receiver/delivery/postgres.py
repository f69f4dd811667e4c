"""PostgreSQL: the idempotency store and the durable inbox, for apps on many machines.

::

    from webhook_receiver.postgres import PostgresInbox, PostgresStore

    inbox = PostgresInbox.from_url("postgresql://app@db.internal/app")
    receiver = Receiver(provider, inbox=inbox)        # answered once committed
    # elsewhere, on any number of machines:
    #   webhook-receiver worker myapp.hooks:receiver --inbox postgresql://app@db.internal/app

Needs ``pip install 'webhook-receiver[postgres]'`` (psycopg 3 and its connection
pool). The tables are created by an explicit, idempotent call, never on a request:
``webhook-receiver db init postgresql://...`` or :meth:`PostgresStore.create_schema`
/ :meth:`PostgresInbox.create_schema` (a deploy step, like a migration). Until then
every call raises :class:`SchemaMissing`, which a receiver answers 503.

The semantics are those of :class:`~webhook_receiver.SQLiteStore` and
:class:`~webhook_receiver.SQLiteInbox` (see their modules): claims with a lease and a
random token that only its holder can complete or release, done events remembered
for ``ttl``; inbox events pending, running under a lease, done or dead, retried with
backoff by a :class:`~webhook_receiver.Worker`. What PostgreSQL adds:

- **One round trip per request.** A claim, a put, a batch's claims (``claim_many``)
  and its outcomes (``settle_many``) are each one statement, committed on its own;
  a ``put`` returns only after its commit (PostgreSQL's ``synchronous_commit`` decides
  how durable that is: its default flushes the write-ahead log first).
- **Workers on many machines.** ``take`` locks the rows it takes with
  ``FOR UPDATE SKIP LOCKED``: concurrent workers never wait on, or take, each other's
  events. Every put sends a ``NOTIFY``, which wakes idle workers at once (each inbox
  that waits ``LISTEN``s on a connection of its own); polling stays the fallback when
  that connection is down. A worker that died leaves leases that run out, and its
  events are taken again, as with SQLite.
- Times are the caller's unix seconds (the Receiver's and the Worker's injectable
  clocks), not the database's, so every back end behaves the same under test.

Only digests of events' identities reach the store's table; the inbox keeps each
event's payload and the few headers its provider needs to rebuild it, never a
credential or a signature. ``repr`` and :attr:`PostgresInbox.location` never show the
URL's password.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from .._errors import ConfigurationError
from .._handoff import Claim, ClaimStatus, InboxEntry
from .._optional import require
from .._schemes import check_tolerance_option
from .inbox import (
    _ERROR_LIMIT,
    Arrivals,
    AttachedReceivers,
    Delivery,
    InboxRecord,
    InboxState,
    Receivers,
    purgeable,
    retryable,
)
from .stores import new_tokens

require("webhook_receiver.postgres", "psycopg", "postgres")
require("webhook_receiver.postgres", "psycopg_pool", "postgres")

import psycopg  # noqa: E402 - after the friendly import checks
import psycopg.conninfo  # noqa: E402
import psycopg_pool  # noqa: E402
from psycopg import sql  # noqa: E402

__all__ = [
    "DEFAULT_INBOX_TABLE",
    "DEFAULT_STORE_TABLE",
    "PostgresInbox",
    "PostgresStore",
    "SchemaMissing",
    "parse_url",
    "redact",
]

logger = logging.getLogger("webhook_receiver")

DEFAULT_STORE_TABLE = "webhook_receiver_events"
DEFAULT_INBOX_TABLE = "webhook_receiver_inbox"
_PURGE_EVERY = 1000
_SWEEP = 10_000
"""Keys a store's purge looks at, every ``_PURGE_EVERY`` claims."""
_PREPARED_UP_TO = 16
"""The largest arrays a prepared statement is used for. A prepared statement soon runs a
generic plan, which cannot see how many keys an array holds: for a batch of 1000 it
took 3x as long as a plan made for the actual arrays (about 10 ms against 3 ms, and
planning costs under 1 ms); for one key it is as good, and saves the planning."""


def _prepare(count: int) -> bool | None:
    """psycopg's ``prepare=`` for a statement over arrays of ``count`` items."""
    return None if count <= _PREPARED_UP_TO else False


_CLAIM_ATTEMPTS = 5
"""Statements a claim may take: a row that changes between two of them (released, or
expired and taken) makes the claim look again; five is far more than any race needs."""


class SchemaMissing(RuntimeError):
    """The table is not there: run ``webhook-receiver db init <url>`` (or ``create_schema()``).

    A receiver answers 503 (the sender retries) and a worker logs it at each poll:
    nothing is lost while the schema is being created.
    """

    def __init__(self, table: str) -> None:
        self.table = table
        super().__init__(
            f"the PostgreSQL table {table!r} does not exist: create it once with "
            "'webhook-receiver db init <url>' (or create_schema()); it is never created per request"
        )


def parse_url(url: str) -> dict[str, Any]:
    """The connection parameters of ``url``; raises ``psycopg.ProgrammingError`` if malformed."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("a PostgreSQL URL is required, e.g. postgresql://user@host/db")
    parameters = psycopg.conninfo.conninfo_to_dict(url)
    ports = str(parameters.get("port") or "")
    if ports and not all(port.isdigit() for port in ports.split(",")):
        raise ConfigurationError("the port must be a number")  # libpq would say so only on connecting
    return parameters


def redact(url: str) -> str:
    """``url`` without its password (a ``key=value`` connection string: without ``password=``)."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.hostname or ""
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return " ".join(item for item in url.split() if not item.lower().startswith("password="))


def _table_name(table: str) -> sql.Composed | sql.Identifier:
    """``name`` or ``schema.name``, each part quoted as an identifier."""
    if not isinstance(table, str) or not table or any(not part for part in table.split(".")):
        raise ConfigurationError("table must be a name, or schema.name")
    parts = table.split(".")
    if len(parts) > 2:
        raise ConfigurationError("table must be a name, or schema.name")
    return sql.Identifier(*parts)


def _asynchronous_commits(connection: psycopg.Connection[Any]) -> None:
    """Commit without waiting for the write-ahead log to reach the disk (this session only)."""
    connection.execute("SET synchronous_commit = off")


class _Database:
    """A connection pool to one database, and the error translation both classes share."""

    def __init__(
        self, url: str, *, table: str, timeout: float, max_connections: int, flush_commits: bool = True
    ) -> None:
        parse_url(url)
        if isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1:
            raise ConfigurationError("max_connections must be a whole number of at least 1")
        self.url = url
        self.location = redact(url)
        self.table = table
        self.identifier = _table_name(table)
        self.timeout = check_tolerance_option(timeout, "timeout")
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(self.timeout))},
            timeout=self.timeout,
            open=True,
            name=f"webhook_receiver {table}",
            configure=None if flush_commits else _asynchronous_commits,
        )

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in autocommit mode; a missing table becomes :class:`SchemaMissing`."""
        try:
            with self.pool.connection() as connection:
                yield connection
        except psycopg.errors.UndefinedTable:
            raise SchemaMissing(self.table) from None

    def execute(
        self,
        query: sql.Composed | sql.SQL,
        values: Sequence[Any] | dict[str, Any] = (),
        *,
        prepare: bool | None = None,
    ) -> list[Any]:
        """One statement, committed on its own; its rows (none for a statement without any)."""
        with self.connection() as connection:
            cursor = connection.execute(query, values, prepare=prepare)
            return cursor.fetchall() if cursor.description is not None else []

    def changed(
        self,
        query: sql.Composed | sql.SQL,
        values: Sequence[Any] | dict[str, Any] = (),
        *,
        prepare: bool | None = None,
    ) -> int:
        """One write statement, committed on its own; how many rows it changed."""
        with self.connection() as connection:
            return int(connection.execute(query, values, prepare=prepare).rowcount)

    def create(self, statements: Sequence[sql.Composed | sql.SQL]) -> None:
        """Run DDL in one transaction, serialised by an advisory lock (concurrent inits are safe)."""
        with self.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('webhook_receiver schema'))")
            for statement in statements:
                connection.execute(statement)

    def close(self) -> None:
        self.pool.close()


class PostgresStore:
    """An idempotency store in a PostgreSQL table (see the module's notes).

    Args:
        url: a libpq URL or connection string (``postgresql://user:pass@host:5432/db``).
        table: the table's name, or ``schema.name`` (default ``webhook_receiver_events``).
        timeout: seconds to wait for a connection from the pool (and to connect)
            before failing; the receiver then answers 503.
        max_connections: the pool's size.
        durable: wait for each claim and completion to reach the disk before going on.
            By default the store's sessions commit asynchronously (``synchronous_commit
            = off``): a crash of the database server may forget the last fraction of a
            second of claims and completions (``wal_writer_delay`` x 3 at most), so an
            event done in that window may run again on a retry. That is what a
            ``RedisStore`` and a ``SQLiteStore`` promise too (neither flushes each
            write), and it saves a flush per write, two per event. The inbox never does
            this: a ``PostgresInbox`` put is flushed before the 2xx.
    """

    blocking: ClassVar[bool] = True

    def __init__(
        self,
        url: str,
        *,
        table: str = DEFAULT_STORE_TABLE,
        timeout: float = 5.0,
        max_connections: int = 10,
        durable: bool = False,
    ) -> None:
        self._db = _Database(
            url, table=table, timeout=timeout, max_connections=max_connections, flush_commits=durable
        )
        t = self._db.identifier
        self._claims = 0
        self._claims_lock = threading.Lock()
        self._sweep_after = ""
        # Expired rows are deleted by the claims themselves, in no statement of their own:
        # every _PURGE_EVERY claims, one claim also looks at the next _SWEEP keys after
        # the last ones looked at (a cursor going round the key space) and deletes the
        # expired ones among them, other than the keys it claims. Bounded work, no index
        # on expires_at (which would make every completion rewrite the index entries: no
        # HOT update), and a full round of the table every ttl / 10 or so.
        purge = sql.SQL(
            "sweep AS (SELECT key, expires_at FROM {t} WHERE %(purge)s AND key > %(after)s "
            "ORDER BY key LIMIT %(sweep)s), "
            "purged AS (DELETE FROM {t} AS p USING sweep s WHERE p.key = s.key "
            "AND s.expires_at <= %(now)s AND p.key <> ALL(%(keys)b::text[]))"
        ).format(t=t)
        # Where the next sweep starts: after the last key looked at, or from the start
        # ('') once a sweep reached the end of the keys.
        swept = sql.SQL("(SELECT CASE WHEN count(*) < %(sweep)s THEN '' ELSE max(key) END FROM sweep)")
        # A batch: the keys and their new tokens go in as arrays; out come the keys that
        # were not claimed, with the state and expiry seen (none seen: claimed by another
        # transaction after this statement's snapshot, so looked at again).
        self._claim_many_sql = sql.SQL(
            "WITH {purge}, wanted AS (SELECT w.key, w.token, w.n "
            "FROM unnest(%(keys)b::text[], %(tokens)b::text[]) WITH ORDINALITY AS w(key, token, n)), "
            # Read first (no lock): duplicates, the common case of a retried batch, end here.
            "seen AS (SELECT key, state, expires_at FROM {t} WHERE key = ANY(%(keys)b::text[])), "
            "claimed AS (INSERT INTO {t} AS e (key, state, token, expires_at) "
            "SELECT w.key, 'processing', w.token, %(until)s FROM wanted w WHERE NOT EXISTS "
            "(SELECT 1 FROM seen s WHERE s.key = w.key AND s.expires_at > %(now)s) ORDER BY w.n "
            "ON CONFLICT (key) DO UPDATE SET state = 'processing', token = excluded.token, "
            "expires_at = excluded.expires_at WHERE e.expires_at <= %(now)s RETURNING e.key) "
            # Out: the keys not claimed (none, for a fresh batch), with what was seen of them.
            "SELECT w.key, s.state, s.expires_at, NULL FROM wanted w LEFT JOIN seen s ON s.key = w.key "
            "WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.key = w.key) "
            # and, when the statement swept, a row with no key: where the next sweep starts
            "UNION ALL SELECT NULL, NULL, NULL, {swept} WHERE %(purge)s"
        ).format(t=t, purge=purge, swept=swept)
        self._settle_many_sql = sql.SQL(
            "WITH done AS (UPDATE {t} AS e SET state = 'done', token = '', expires_at = %(until)s "
            "FROM unnest(%(done_keys)b::text[], %(done_tokens)b::text[]) AS d(key, token) "
            # key = ANY(...) too: an index (or a hashed filter) picks the batch's rows
            # before the join, instead of joining every row of the table.
            "WHERE e.key = ANY(%(done_keys)b::text[]) AND e.key = d.key AND e.state = 'processing' "
            "AND e.token = d.token RETURNING e.key), "
            "released AS (DELETE FROM {t} AS e USING unnest(%(gone_keys)b::text[], %(gone_tokens)b::text[]) "
            "AS r(key, token) WHERE e.key = ANY(%(gone_keys)b::text[]) AND e.key = r.key "
            "AND e.state = 'processing' AND e.token = r.token "
            "RETURNING e.key) "
            "SELECT key FROM done"
        ).format(t=t)
        self._complete_sql = sql.SQL(
            "UPDATE {t} SET state = 'done', token = '', expires_at = %s "
            "WHERE key = %s AND state = 'processing' AND token = %s"
        ).format(t=t)
        self._release_sql = sql.SQL(
            "DELETE FROM {t} WHERE key = %s AND state = 'processing' AND token = %s"
        ).format(t=t)

    @classmethod
    def from_url(cls, url: str, **options: Any) -> PostgresStore:
        """A store on the database at ``url`` (options as for the constructor)."""
        return cls(url, **options)

    @property
    def location(self) -> str:
        """The database URL without its password."""
        return self._db.location

    def __repr__(self) -> str:
        return f"PostgresStore({self._db.location!r}, table={self._db.table!r})"

    def create_schema(self) -> None:
        """Create the table if it is missing (idempotent; safe to run from several deploys at once)."""
        self._db.create(
            [
                # Keys are ASCII digests: byte order ("C") compares and sorts them fastest.
                # Room left in each page (fillfactor) lets a completion rewrite its row in
                # place (a HOT update: no index entry written).
                sql.SQL(
                    'CREATE TABLE IF NOT EXISTS {t} (key text COLLATE "C" PRIMARY KEY, '
                    "state text NOT NULL, token text NOT NULL, expires_at double precision NOT NULL) "
                    "WITH (fillfactor = 70)"
                ).format(t=self._db.identifier),
            ]
        )

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` unless it is done or validly claimed (see :class:`IdempotencyStore`).

        One statement, which writes nothing for a duplicate (it reads first).
        """
        return self.claim_many([key], lease=lease, now=now)[0]

    def claim_many(self, keys: Sequence[str], *, lease: float, now: float) -> list[Claim]:
        """:meth:`claim` for every key of a batch in one statement (one round trip, one
        commit), whatever the batch's size. The keys must be distinct."""
        if not keys:
            return []
        claims: dict[str, Claim] = {}
        # Rows are locked in key order by every batch: two overlapping batches never deadlock.
        wanted = sorted(keys)
        with self._db.connection() as connection:
            for _ in range(_CLAIM_ATTEMPTS):
                tokens = new_tokens(len(wanted))
                token_of = dict(zip(wanted, tokens, strict=True))
                values = {"keys": wanted, "tokens": tokens, "until": now + lease, "now": now}
                # Binary parameters: text arrays of a thousand keys dump several times faster.
                sweep = self._sweep(len(wanted))
                rows = connection.execute(
                    self._claim_many_sql, {**values, **sweep}, binary=True, prepare=_prepare(len(wanted))
                ).fetchall()
                self._swept(sweep, next((row[3] for row in rows if row[0] is None), None))
                held = {key: (state, expires_at) for key, state, expires_at, _ in rows if key is not None}
                retry: list[str] = []
                for key in wanted:
                    if key not in held:
                        claims[key] = Claim(ClaimStatus.CLAIMED, token_of[key])
                        continue
                    state, expires_at = held[key]
                    if state is not None and expires_at > now:
                        claims[key] = _held(state, expires_at)
                    else:
                        retry.append(key)
                if not retry:
                    return [claims[key] for key in keys]
                wanted = retry
        raise RuntimeError(f"claims on a batch's events changed {_CLAIM_ATTEMPTS} times while being read")

    def _sweep(self, count: int) -> dict[str, object]:
        """The purge parameters of a statement making ``count`` claims: a sweep is due
        when they cross a multiple of ``_PURGE_EVERY``."""
        with self._claims_lock:
            before = self._claims
            self._claims += count
            due = self._claims // _PURGE_EVERY != before // _PURGE_EVERY
            return {"purge": due, "after": self._sweep_after, "sweep": _SWEEP}

    def _swept(self, sweep: dict[str, object], after: str | None) -> None:
        """Move the cursor past the keys a sweep looked at (``''``: back to the start)."""
        if sweep["purge"] and after is not None:
            with self._claims_lock:
                self._sweep_after = after

    def settle_many(
        self,
        completed: Sequence[tuple[str, str]],
        released: Sequence[tuple[str, str]],
        *,
        ttl: float,
        now: float,
    ) -> list[bool]:
        """:meth:`complete` every ``(key, token)`` of ``completed`` and :meth:`release` every
        one of ``released`` in one statement; returns :meth:`complete`'s answer for each."""
        if not completed and not released:
            return []
        rows = self._db.execute(
            self._settle_many_sql,
            {
                "until": now + ttl,
                "done_keys": [key for key, _ in completed],
                "done_tokens": [token for _, token in completed],
                "gone_keys": [key for key, _ in released],
                "gone_tokens": [token for _, token in released],
            },
            prepare=_prepare(len(completed) + len(released)),
        )
        done = {row[0] for row in rows}
        return [key in done for key, _ in completed]

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Mark ``key`` done for ``ttl`` seconds if ``token`` still holds it."""
        return self._db.changed(self._complete_sql, (now + ttl, key, token)) == 1

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it."""
        self._db.execute(self._release_sql, (key, token))

    def close(self) -> None:
        """Close the pool's connections (call once no thread uses the store)."""
        self._db.close()


def _held(state: str, expires_at: float) -> Claim:
    if state == "done":
        return Claim(ClaimStatus.DONE)
    return Claim(ClaimStatus.IN_PROGRESS, expires_at=float(expires_at))


_INBOX_COLUMNS = (
    "id, key, namespace, type, state, attempts, received_at, available_at, finished_at, "
    "last_error, payload, headers, trace_context"
)


def _record(row: Sequence[Any]) -> InboxRecord:
    return InboxRecord(
        id=int(row[0]),
        key=row[1],
        namespace=row[2],
        type=row[3],
        state=InboxState(row[4]),
        attempts=int(row[5]),
        received_at=float(row[6]),
        available_at=float(row[7]),
        finished_at=None if row[8] is None else float(row[8]),
        last_error=row[9],
        payload=row[10],
        headers=tuple((str(name), str(value)) for name, value in json.loads(row[11])),
        trace_context=row[12],
    )


class PostgresInbox(AttachedReceivers, Arrivals):
    """The durable inbox in a PostgreSQL table, for workers on any number of machines.

    A :class:`~webhook_receiver.DurableInbox`: the receiver's 2xx comes after the
    commit; :class:`~webhook_receiver.Worker` and ``webhook-receiver worker``/``inbox``
    run and inspect it as they do a :class:`~webhook_receiver.SQLiteInbox` (see the
    module's notes for what PostgreSQL adds).

    Args:
        url: a libpq URL or connection string.
        table: the table's name, or ``schema.name`` (default ``webhook_receiver_inbox``);
            its ``NOTIFY`` channel has the same name.
        ttl: seconds a done event is remembered, to acknowledge duplicates without
            running them again (default 7 days).
        timeout: seconds to wait for a connection (and to connect) before failing: a
            ``put`` then raises and the receiver answers 503.
        max_connections: the pool's size (the ``LISTEN`` connection is extra).
    """

    blocking: ClassVar[bool] = True

    def __init__(
        self,
        url: str,
        *,
        table: str = DEFAULT_INBOX_TABLE,
        ttl: float = 7 * 24 * 3600.0,
        timeout: float = 5.0,
        max_connections: int = 10,
    ) -> None:
        self._db = _Database(url, table=table, timeout=timeout, max_connections=max_connections)
        self._ttl = check_tolerance_option(ttl, "ttl")
        self._receivers = Receivers()
        Arrivals.__init__(self)
        self._channel = table
        self._puts = 0
        self._listener: _Listener | None = None
        self._listener_lock = threading.Lock()
        t = self._db.identifier
        # New keys are inserted, in the request's order (ids are the order workers take
        # them in); a known key is left alone unless it is done and older than ttl,
        # when it is stored again as new. The NOTIFY is sent at the commit.
        self._put_sql = sql.SQL(
            "WITH stored AS (INSERT INTO {t} AS e (key, namespace, type, payload, headers, state, "
            "attempts, received_at, available_at, trace_context) "
            "SELECT key, namespace, type, payload, headers, 'pending', 0, received_at, received_at, "
            "trace_context FROM unnest(%(keys)b::text[], %(namespaces)b::text[], %(types)b::text[], "
            "%(payloads)b::text[], %(headers)b::text[], %(received)b::float8[], %(traces)b::text[]) "
            "WITH ORDINALITY AS n(key, namespace, type, payload, headers, received_at, trace_context, n) "
            "ORDER BY n "
            "ON CONFLICT (key) DO UPDATE SET namespace = excluded.namespace, type = excluded.type, "
            "payload = excluded.payload, headers = excluded.headers, state = 'pending', attempts = 0, "
            "received_at = excluded.received_at, available_at = excluded.available_at, "
            "lease_token = NULL, lease_until = NULL, finished_at = NULL, last_error = NULL, "
            "trace_context = excluded.trace_context "
            "WHERE e.state = 'done' AND e.finished_at <= excluded.received_at - %(ttl)s RETURNING 1) "
            "SELECT count(*), pg_notify(%(channel)s, '') FROM stored"
        ).format(t=t)
        # Expired leases first (the oldest), then due pending events; rows another worker
        # is locking are skipped, not waited for. An event taken max_attempts times
        # already (its worker died each time) becomes dead instead.
        self._take_sql = sql.SQL(
            "WITH expired AS (SELECT id FROM {t} WHERE state = 'running' AND lease_until <= %(now)s "
            "AND namespace = ANY(%(namespaces)b::text[]) ORDER BY lease_until LIMIT %(limit)s "
            "FOR UPDATE SKIP LOCKED), "
            "due AS (SELECT id FROM {t} WHERE state = 'pending' AND available_at <= %(now)s "
            "AND namespace = ANY(%(namespaces)b::text[]) ORDER BY available_at, id LIMIT %(limit)s "
            "FOR UPDATE SKIP LOCKED), "
            "chosen AS (SELECT id FROM (SELECT id, 0 AS o FROM expired UNION ALL SELECT id, 1 FROM due) c "
            "ORDER BY o LIMIT %(limit)s) "
            "UPDATE {t} AS e SET "
            "state = CASE WHEN e.attempts >= %(max)s THEN 'dead' ELSE 'running' END, "
            "attempts = CASE WHEN e.attempts >= %(max)s THEN e.attempts ELSE e.attempts + 1 END, "
            "lease_token = CASE WHEN e.attempts >= %(max)s THEN NULL "
            "ELSE replace(gen_random_uuid()::text, '-', '') END, "
            "lease_until = CASE WHEN e.attempts >= %(max)s THEN NULL ELSE %(until)s END, "
            "finished_at = CASE WHEN e.attempts >= %(max)s THEN %(now)s ELSE e.finished_at END, "
            "last_error = CASE WHEN e.attempts >= %(max)s THEN "
            "'the worker stopped during each of ' || e.attempts || ' attempts' ELSE e.last_error END "
            "FROM chosen WHERE e.id = chosen.id "
            "RETURNING e.id, e.key, e.namespace, e.type, e.state, e.attempts, e.received_at, "
            "e.available_at, e.finished_at, e.last_error, e.payload, e.headers, e.trace_context, "
            "e.lease_token"
        ).format(t=t)
        holder = sql.SQL("WHERE id = %(id)s AND state = 'running' AND lease_token = %(token)s")
        self._complete_sql = sql.SQL(
            "UPDATE {t} SET state = 'done', lease_token = NULL, lease_until = NULL, "
            "finished_at = %(now)s, last_error = NULL {holder}"
        ).format(t=t, holder=holder)
        self._dead_sql = sql.SQL(
            "UPDATE {t} SET state = 'dead', lease_token = NULL, lease_until = NULL, "
            "finished_at = %(now)s, last_error = %(error)s {holder}"
        ).format(t=t, holder=holder)
        self._again_sql = sql.SQL(
            "UPDATE {t} SET state = 'pending', lease_token = NULL, lease_until = NULL, "
            "available_at = %(retry_at)s, last_error = %(error)s {holder}"
        ).format(t=t, holder=holder)
        self._release_sql = sql.SQL(
            "UPDATE {t} SET state = 'pending', attempts = GREATEST(attempts - 1, 0), "
            "lease_token = NULL, lease_until = NULL {holder}"
        ).format(t=t, holder=holder)
        self._extend_sql = sql.SQL(
            "UPDATE {t} AS e SET lease_until = %(until)s "
            "FROM unnest(%(ids)b::bigint[], %(tokens)b::text[]) AS h(id, token) "
            "WHERE e.id = ANY(%(ids)b::bigint[]) AND e.id = h.id AND e.state = 'running' "
            "AND e.lease_token = h.token"
        ).format(t=t)
        self._purge_done_sql = sql.SQL("DELETE FROM {t} WHERE state = 'done' AND finished_at <= %s").format(
            t=t
        )

    @classmethod
    def from_url(cls, url: str, **options: Any) -> PostgresInbox:
        """An inbox on the database at ``url`` (options as for the constructor)."""
        return cls(url, **options)

    @property
    def location(self) -> str:
        """The database URL without its password."""
        return self._db.location

    @property
    def table(self) -> str:
        """The table (and ``NOTIFY`` channel) name."""
        return self._db.table

    def __repr__(self) -> str:
        return f"PostgresInbox({self._db.location!r}, table={self._db.table!r})"

    def create_schema(self) -> None:
        """Create the table and its indexes if missing (idempotent; safe to run concurrently)."""
        t = self._db.identifier
        base = self._db.table.split(".")[-1]
        self._db.create(
            [
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {t} ("
                    "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    'key text COLLATE "C" NOT NULL UNIQUE, '
                    "namespace text NOT NULL, type text NOT NULL, payload text NOT NULL, "
                    "headers text NOT NULL, state text NOT NULL, attempts integer NOT NULL DEFAULT 0, "
                    "received_at double precision NOT NULL, available_at double precision NOT NULL, "
                    "lease_token text, lease_until double precision, finished_at double precision, "
                    "last_error text, trace_context text)"
                ).format(t=t),
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {i} ON {t} (available_at, id) WHERE state = 'pending'"
                ).format(i=sql.Identifier(f"{base}_pending"), t=t),
                sql.SQL("CREATE INDEX IF NOT EXISTS {i} ON {t} (lease_until) WHERE state = 'running'").format(
                    i=sql.Identifier(f"{base}_running"), t=t
                ),
                sql.SQL("CREATE INDEX IF NOT EXISTS {i} ON {t} (state, finished_at)").format(
                    i=sql.Identifier(f"{base}_finished"), t=t
                ),
            ]
        )

    def close(self) -> None:
        """Stop listening and close the pool's connections (call once no thread uses the inbox)."""
        with self._listener_lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        self._db.close()

    # -- the receiver's side -------------------------------------------------------

    def put(self, entries: Sequence[InboxEntry]) -> None:
        """Store ``entries`` in one statement, committed before it returns; known keys are
        left as they are (a done one older than ``ttl`` is stored again as new)."""
        if not entries:
            return
        unique: dict[str, InboxEntry] = {}
        for entry in entries:
            unique.setdefault(entry.key, entry)  # one row can be written once per statement
        chosen = list(unique.values())
        with self._db.connection() as connection:
            connection.execute(
                self._put_sql,
                {
                    "keys": [e.key for e in chosen],
                    "namespaces": [e.namespace for e in chosen],
                    "types": [e.type for e in chosen],
                    "payloads": [e.payload for e in chosen],
                    "headers": [json.dumps(e.headers) for e in chosen],
                    "received": [e.received_at for e in chosen],
                    "traces": [e.trace_context for e in chosen],
                    "ttl": self._ttl,
                    "channel": self._channel,
                },
                prepare=_prepare(len(chosen)),
            )
            self._puts += 1
            if self._puts % _PURGE_EVERY == 0:
                now = max(e.received_at for e in chosen)
                connection.execute(self._purge_done_sql, (now - self._ttl,))
        self._announce()

    # -- waking workers ------------------------------------------------------------

    def wait(self, timeout: float, seen: int) -> None:
        """Block until a put (here or, through ``LISTEN``, anywhere) after ``seen``, or ``timeout``."""
        self._listen()
        super().wait(timeout, seen)

    def add_listener(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call ``listener()`` after each put heard of (here or elsewhere); returns a remover."""
        self._listen()
        return super().add_listener(listener)

    def _listen(self) -> None:
        with self._listener_lock:
            if self._listener is None:
                self._listener = _Listener(self._db.url, self._channel, self._announce, self._db.location)
                self._listener.start()

    # -- the worker's side ---------------------------------------------------------

    def take(
        self,
        namespaces: Iterable[str],
        *,
        limit: int,
        lease: float,
        now: float,
        max_attempts: int,
    ) -> list[Delivery]:
        """Take up to ``limit`` due events (expired leases first), each with a lease, in one
        statement; rows other workers hold are skipped (``FOR UPDATE SKIP LOCKED``)."""
        names = list(namespaces)
        if not names or limit < 1:
            return []
        rows = self._db.execute(
            self._take_sql,
            {"now": now, "namespaces": names, "limit": limit, "max": max_attempts, "until": now + lease},
        )
        return [Delivery(_record(row), row[13]) for row in rows if row[4] == InboxState.RUNNING.value]

    def _holder(self, delivery: Delivery, **values: object) -> dict[str, object]:
        return {"id": delivery.record.id, "token": delivery.token, **values}

    def _changed(self, query: sql.Composed | sql.SQL, values: dict[str, object]) -> bool:
        return self._db.changed(query, values) == 1

    def complete(self, delivery: Delivery, *, now: float) -> bool:
        """Record ``delivery`` as done; ``False`` if its lease was lost (another worker took it)."""
        return self._changed(self._complete_sql, self._holder(delivery, now=now))

    def fail(self, delivery: Delivery, error: str, *, retry_at: float | None, now: float) -> bool:
        """Record a failed attempt: pending again from ``retry_at``, or dead when it is ``None``."""
        if retry_at is None:
            return self._changed(self._dead_sql, self._holder(delivery, now=now, error=error[:_ERROR_LIMIT]))
        return self._changed(
            self._again_sql, self._holder(delivery, retry_at=retry_at, error=error[:_ERROR_LIMIT])
        )

    def release(self, delivery: Delivery) -> bool:
        """Give back a delivery that was taken but not run (a worker stopping): no attempt counted."""
        return self._changed(self._release_sql, self._holder(delivery))

    def extend(self, deliveries: Iterable[Delivery], *, lease: float, now: float) -> int:
        """Renew the leases of deliveries still running (a worker's heartbeat); returns how many."""
        held = list(deliveries)
        if not held:
            return 0
        return self._db.changed(
            self._extend_sql,
            {"until": now + lease, "ids": [d.record.id for d in held], "tokens": [d.token for d in held]},
            prepare=_prepare(len(held)),
        )

    # -- the operator's side -------------------------------------------------------

    def counts(self) -> dict[InboxState, int]:
        """How many events are in each state."""
        rows = self._db.execute(
            sql.SQL("SELECT state, count(*) FROM {t} GROUP BY state").format(t=self._db.identifier)
        )
        found = {state: int(count) for state, count in rows}
        return {state: found.get(state.value, 0) for state in InboxState}

    def oldest_pending(self) -> float | None:
        """When the longest-waiting pending event was received (unix seconds); ``None`` if none is."""
        rows = self._db.execute(
            sql.SQL("SELECT min(received_at) FROM {t} WHERE state = 'pending'").format(t=self._db.identifier)
        )
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    def list(
        self, *, state: InboxState | str | None = None, namespace: str | None = None, limit: int = 50
    ) -> list[InboxRecord]:
        """Events, oldest first, optionally in one ``state`` and ``namespace``."""
        clauses: list[sql.Composed | sql.SQL] = []
        values: list[object] = []
        if state is not None:
            clauses.append(sql.SQL("state = %s"))
            values.append(InboxState(state).value)
        if namespace is not None:
            clauses.append(sql.SQL("namespace = %s"))
            values.append(namespace)
        where = sql.SQL("WHERE ") + sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("")
        query = sql.SQL("SELECT {c} FROM {t} {w} ORDER BY id LIMIT %s").format(
            c=sql.SQL(_INBOX_COLUMNS), t=self._db.identifier, w=where
        )
        return [_record(row) for row in self._db.execute(query, (*values, max(limit, 0)))]

    def get(self, id_or_key: int | str) -> InboxRecord | None:
        """One event by its id or its key, or ``None``."""
        column = "id" if isinstance(id_or_key, int) else "key"
        rows = self._db.execute(
            sql.SQL("SELECT {c} FROM {t} WHERE {column} = %s").format(
                c=sql.SQL(_INBOX_COLUMNS), t=self._db.identifier, column=sql.Identifier(column)
            ),
            (id_or_key,),
        )
        return _record(rows[0]) if rows else None

    def retry(self, ids: Iterable[int] | None = None, *, now: float, state: InboxState | str = "dead") -> int:
        """Make events pending again now with a fresh count of attempts (replay).

        ``ids`` picks events (any state but running); without it, every event in
        ``state`` (dead by default) is replayed. Returns how many.
        """
        reset = sql.SQL(
            "UPDATE {t} SET state = 'pending', attempts = 0, available_at = %(now)s, "
            "lease_token = NULL, lease_until = NULL, finished_at = NULL "
        ).format(t=self._db.identifier)
        if ids is None:
            wanted = retryable(state)
            query = reset + sql.SQL("WHERE state = %(state)s")
            values: dict[str, object] = {"now": now, "state": wanted.value}
        else:
            chosen = [int(record_id) for record_id in ids]
            if not chosen:
                return 0
            query = reset + sql.SQL("WHERE id = ANY(%(ids)b::bigint[]) AND state <> 'running'")
            values = {"now": now, "ids": chosen}
        with self._db.connection() as connection:
            changed = int(connection.execute(query, values).rowcount)
            if changed:
                connection.execute("SELECT pg_notify(%s, '')", (self._channel,))
        if changed:
            self._announce()
        return changed

    def purge(self, state: InboxState | str, *, before: float | None = None) -> int:
        """Delete done or dead events (finished before ``before``, if given); returns how many.

        Pending and running events cannot be purged: they were acknowledged and are
        still owed their processing.
        """
        wanted = purgeable(state)
        query = sql.SQL("DELETE FROM {t} WHERE state = %s").format(t=self._db.identifier)
        values: tuple[object, ...] = (wanted.value,)
        if before is not None:
            query += sql.SQL(" AND finished_at <= %s")
            values += (before,)
        return self._db.changed(query, values)


class _Listener(threading.Thread):
    """A connection of its own that ``LISTEN``s on the inbox's channel and announces each put.

    Reconnects (after 1 s, growing to 30 s) when the connection is lost; meanwhile the
    workers poll. Stopped by :meth:`stop`.
    """

    def __init__(self, url: str, channel: str, announce: Callable[[], None], location: str) -> None:
        super().__init__(name="webhook-inbox-listen", daemon=True)
        self._url = url
        self._channel = channel
        self._announce = announce
        self._location = location
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()
        self.join(5)

    def run(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(sql.SQL("LISTEN {c}").format(c=sql.Identifier(self._channel)))
                    delay = 1.0
                    # Something may have arrived while no one listened.
                    self._announce()
                    while not self._stopping.is_set():
                        for _ in connection.notifies(timeout=0.5):
                            self._announce()
            except psycopg.Error as exc:
                if self._stopping.is_set():
                    return
                logger.warning(
                    "inbox %s: LISTEN connection lost (%s); polling until it is back in %g s",
                    self._location,
                    type(exc).__name__,
                    delay,
                )
                self._stopping.wait(delay)
                delay = min(delay * 2, 30.0)
            else:
                return
