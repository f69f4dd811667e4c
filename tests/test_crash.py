"""Crash test: kill -9 the server and the workers while signed events arrive; nothing acknowledged is lost.

``uvicorn crash_app:app`` (a deferred receiver: verify, store in the SQLite inbox,
answer 200) and two ``webhook-receiver worker crash_app:receiver`` processes run on
127.0.0.1, each in its own process group. Sixteen sender threads deliver a few
thousand distinct, signed Courier events and, as a real sender does, send each
again until it gets a 2xx. Meanwhile a chaos thread sends SIGKILL to the server, a
worker, or all of them at once, at random moments, and restarts what it killed.
Then the server is stopped, the workers drain the inbox and are stopped, and:

- every acknowledged event has exactly one effect row (none lost), and the inbox
  holds it as done; every sent event was acknowledged in the end;
- no effect and no inbox record exists for anything that was not sent, and none
  for an event that was never accepted: an effect may exist before its event's
  2xx only when a reply was lost (the server killed between the commit and the
  answer; the sender's retry then gets the 2xx of a duplicate);
- no event is dead, pending or running;
- handlers ran again only where a kill interrupted them: the extra runs are at
  most worker kills x worker concurrency, plus what the workers logged as the
  other ways in (a lease that ran out under a stalled worker, a "done" that could
  not be written).

Every wait is bounded and fails with the seed and the figures. The defaults run in
well under a minute; for a longer run::

    WEBHOOK_RECEIVER_CRASH_EVENTS=10000 python -m pytest -s tests/test_crash.py

``WEBHOOK_RECEIVER_CRASH_SEED`` repeats a run's choice of victims and pauses (the
timing of a real server never repeats exactly); ``WEBHOOK_RECEIVER_CRASH_RATE`` sets
the events sent per second (default 200).
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from webhook_receiver import InboxState

from . import crash_app
from .test_servers import free_port, request

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

EVENTS = int(os.environ.get("WEBHOOK_RECEIVER_CRASH_EVENTS", "3000"))
RATE = float(os.environ.get("WEBHOOK_RECEIVER_CRASH_RATE", "200"))
"""Events released per second: spreads the default run over about 15 s of kills."""
SENDERS = 16
WORKERS = 2
WORKER_CONCURRENCY = 4
LEASE = 1.0
KILL_PAUSE = (0.3, 1.0)
"""Seconds between a victim being back (answering, or its worker running) and the next kill."""
VICTIMS = ("server", "worker", "worker", "everything")
"""One round of kills, shuffled: the next round starts when this one is used up."""
MAX_SENDS = 200
"""Sends of one event at most (the first and the retries), with a backoff of up to 0.25 s."""
START_SECONDS = 20.0
SEND_SLACK_SECONDS = 60.0
"""How long past its planned end (``EVENTS / RATE``) sending may run before the test fails."""
DRAIN_SECONDS = 60.0
STOP_SECONDS = 15.0


# --- the processes ------------------------------------------------------------------------------


@dataclass
class Role:
    """The server or one worker: the command, its current process, and its history."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0
    logs: list[Path] = field(default_factory=list)

    @property
    def is_worker(self) -> bool:
        return self.name != "server"


class Cluster:
    """Starts, kills (SIGKILL to the process group) and stops the server and the workers."""

    def __init__(self, directory: Path, port: int, inbox: str, table: str) -> None:
        self.directory = directory
        self.port = port
        self.inbox = inbox
        self.table = table
        self.effects = directory / "effects.sqlite3"
        path = os.pathsep.join([str(TESTS), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        self.environment = {
            **os.environ,
            "PYTHONPATH": path,
            crash_app.INBOX_ENV: self.inbox,
            crash_app.TABLE_ENV: table,
            crash_app.EFFECTS_ENV: str(self.effects),
        }
        python = [sys.executable, "-m"]
        server = [*python, "uvicorn", "crash_app:app", "--host", "127.0.0.1", "--port", str(port)]
        server += ["--log-level", "info", "--no-access-log"]
        worker = [*python, "webhook_receiver", "worker", "crash_app:receiver"]
        worker += ["--concurrency", str(WORKER_CONCURRENCY), "--lease", str(LEASE), "--poll", "0.05"]
        # Handlers do not fail here; if one did (a locked effects file), retry it soon.
        worker += ["--initial-backoff", "0.1", "--max-backoff", "1"]
        self.server = Role("server", server)
        self.workers = [Role(f"worker-{n}", list(worker)) for n in range(WORKERS)]
        self._lock = threading.Lock()
        self._closed = False

    @property
    def roles(self) -> list[Role]:
        return [self.server, *self.workers]

    def start(self, role: Role) -> None:
        with self._lock:
            # Never after cleanup: a chaos thread late to stop must not leave a process behind.
            if self._closed:
                raise RuntimeError("the cluster was cleaned up")
            self._start(role)

    def _start(self, role: Role) -> None:
        role.starts += 1
        log_path = self.directory / f"{role.name}-{role.starts}.log"
        role.logs.append(log_path)
        # Output goes to a file, never a pipe nobody drains (a full pipe would stall the process).
        with log_path.open("wb") as log:
            role.process = subprocess.Popen(
                role.command,
                cwd=self.directory,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches it and nothing else
            )

    def ready(self, role: Role, deadline: float) -> None:
        """Wait until ``role`` answers (server) or says it runs (worker); fail at ``deadline``."""
        assert role.process is not None
        while True:
            if role.process.poll() is not None:
                pytest.fail(f"{role.name} exited early ({role.process.returncode}):\n{self.tail(role)}")
            if role.is_worker:
                if f"(pid {role.process.pid})" in role.logs[-1].read_text(errors="replace"):
                    return
            else:
                try:
                    if request(self.port, "GET", crash_app.HEALTH_PATH)[0] == 200:
                        return
                except (OSError, http.client.HTTPException):
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"{role.name} was not ready within {START_SECONDS:g} s:\n{self.tail(role)}")
            time.sleep(0.02)

    def kill(self, role: Role) -> None:
        """SIGKILL: no handler, no cleanup, no flushing; the kernel closes its sockets and locks."""
        assert role.process is not None
        signal_group(role.process, signal.SIGKILL)
        role.process.wait(timeout=STOP_SECONDS)
        role.kills += 1

    def stop(self, role: Role) -> int:
        """SIGTERM, as a supervisor stops it; returns its exit code (fails if it does not exit)."""
        assert role.process is not None
        signal_group(role.process, signal.SIGTERM)
        try:
            return role.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{role.name} did not stop within {STOP_SECONDS:g} s of SIGTERM:\n{self.tail(role)}")

    def cleanup(self) -> None:
        """Kill whatever still runs (the test failed half-way); start nothing after this."""
        with self._lock:
            self._closed = True
        for role in self.roles:
            if role.process is not None and role.process.poll() is None:
                signal_group(role.process, signal.SIGKILL)
                role.process.wait(timeout=STOP_SECONDS)

    def tail(self, role: Role, lines: int = 30) -> str:
        text = role.logs[-1].read_text(errors="replace") if role.logs else ""
        return "\n".join(text.splitlines()[-lines:])

    def count_in_logs(self, text: str, *, workers_only: bool = False) -> int:
        roles = self.workers if workers_only else self.roles
        return sum(log.read_text(errors="replace").count(text) for role in roles for log in role.logs)


def signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it already exited
        os.killpg(process.pid, signum)


class Chaos(threading.Thread):
    """Kills a seeded-random victim, restarts it, waits until it is back, pauses, repeats."""

    def __init__(self, cluster: Cluster, rng: random.Random, abort: threading.Event) -> None:
        super().__init__(name="chaos", daemon=True)
        self.cluster = cluster
        self.rng = rng
        self.abort = abort
        self.halt = threading.Event()
        self.error: BaseException | None = None
        self.rounds: Counter[str] = Counter()

    def victims(self, choice: str) -> list[Role]:
        if choice == "server":
            return [self.cluster.server]
        if choice == "worker":
            return [self.rng.choice(self.cluster.workers)]
        return self.cluster.roles

    def run(self) -> None:
        schedule: list[str] = []
        try:
            while not self.halt.wait(self.rng.uniform(*KILL_PAUSE)):
                if not schedule:
                    schedule = list(VICTIMS)
                    self.rng.shuffle(schedule)
                choice = schedule.pop()
                victims = self.victims(choice)
                for role in victims:
                    self.cluster.kill(role)
                self.rounds[choice] += 1
                for role in victims:
                    self.cluster.start(role)
                deadline = time.monotonic() + START_SECONDS
                for role in victims:
                    self.cluster.ready(role, deadline)
        except BaseException as exc:  # pytest.fail included: re-raised by the test's thread
            self.error = exc
            self.abort.set()  # the senders stop instead of retrying against a dead server


# --- the sender ---------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What happened to one event's sends."""

    message_id: str
    statuses: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    """Sends refused at connect (the server was down): certainly not stored."""
    cut: int = 0
    """Sends that got no answer after connecting (killed mid-request): perhaps stored."""
    acked_at: float | None = None
    """When the send that got the 2xx started (unix seconds)."""

    @property
    def in_doubt(self) -> bool:
        return self.cut > 0


class Sender:
    """``SENDERS`` threads deliver every event, each retried until it gets a 2xx."""

    def __init__(self, port: int, run_id: str) -> None:
        self.port = port
        self.deliveries = [Delivery(f"{run_id}-{n}") for n in range(EVENTS)]
        self.abort = threading.Event()
        self.started = self.deadline = 0.0

    def run(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + EVENTS / RATE + SEND_SLACK_SECONDS
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="sender") as pool:
            for _ in pool.map(self.deliver, range(EVENTS)):
                pass

    def deliver(self, index: int) -> None:
        delivery = self.deliveries[index]
        body = crash_app.body(delivery.message_id)
        # Released at a steady rate, so the kills land all along the run.
        release = self.started + index / RATE
        time.sleep(max(0.0, release - time.monotonic()))
        for attempt in range(MAX_SENDS):
            if self.abort.is_set() or time.monotonic() > self.deadline:
                return
            headers = {"Content-Type": "application/json", **crash_app.PROVIDER.sign(body)}
            started = time.time()
            try:
                status = request(self.port, "POST", crash_app.HOOK_PATH, headers, body)[0]
            except ConnectionRefusedError:
                delivery.refused += 1
            except (OSError, http.client.HTTPException):
                delivery.cut += 1
            else:
                delivery.statuses[status] += 1
                if 200 <= status < 300:
                    delivery.acked_at = started
                    return
                if status < 500:
                    return  # a refusal is a bug, not something to retry: the assertions report it
            time.sleep(random.uniform(0.5, 1.0) * min(0.25, 0.01 * 2**attempt))


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_9_loses_nothing_acknowledged_and_reruns_only_what_a_kill_interrupted(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seed = int(os.environ.get("WEBHOOK_RECEIVER_CRASH_SEED", random.SystemRandom().randrange(10**9)))
    print(f"\n[crash test] WEBHOOK_RECEIVER_CRASH_SEED={seed}: {EVENTS} events at {RATE:g}/s")
    began = time.monotonic()
    if backend == "postgres":
        from .conftest import postgres_table

        location, table = request.getfixturevalue("postgres_url"), postgres_table()
        schema = crash_app.open_inbox(location, table)
        schema.create_schema()  # type: ignore[attr-defined]  # the deploy step: once, before the servers
        schema.close()
    else:
        location, table = str(tmp_path / "inbox.sqlite3"), ""
    cluster = Cluster(tmp_path, free_port(), location, table)
    sender = Sender(cluster.port, f"crash-{seed}")
    chaos = Chaos(cluster, random.Random(seed), sender.abort)
    figures: dict[str, object] = {"events": EVENTS}

    def context() -> str:
        shown = "  ".join(f"{name}={value}" for name, value in figures.items())
        return f"\n[crash test, WEBHOOK_RECEIVER_CRASH_SEED={seed}] {shown}"

    try:
        deadline = time.monotonic() + START_SECONDS
        for role in cluster.roles:
            cluster.start(role)
        for role in cluster.roles:
            cluster.ready(role, deadline)

        chaos.start()
        try:
            sender.run()
        finally:
            chaos.halt.set()
            chaos.join(START_SECONDS + 2 * STOP_SECONDS)
        assert not chaos.is_alive(), "the chaos thread did not stop" + context()
        if chaos.error is not None:
            raise chaos.error
        sent_at = time.monotonic()
        figures.update(sending_figures(sender, cluster, chaos), send_s=round(sent_at - began, 1))

        # The chaos thread left every process restarted and running. The server stops
        # first (nothing more arrives), then the workers drain the inbox and stop.
        server_exit = cluster.stop(cluster.server)
        inbox = crash_app.open_inbox(cluster.inbox, cluster.table)
        try:
            drain_deadline = time.monotonic() + DRAIN_SECONDS
            while (counts := inbox.counts())[InboxState.PENDING] + counts[InboxState.RUNNING]:
                if time.monotonic() > drain_deadline:
                    pytest.fail(f"the inbox did not drain within {DRAIN_SECONDS:g} s: {counts}" + context())
                time.sleep(0.05)
            figures["drain_s"] = round(time.monotonic() - sent_at, 1)
            worker_exits = [cluster.stop(worker) for worker in cluster.workers]
            records = inbox.list(limit=10 * EVENTS + 1000)
        finally:
            inbox.close()
        effects = read_effects(cluster.effects)
    finally:
        sender.abort.set()
        chaos.halt.set()
        cluster.cleanup()

    # --- what happened ------------------------------------------------------------------------
    deliveries = {d.message_id: d for d in sender.deliveries}
    key_of = {message_id: crash_app.event_key(message_id) for message_id in deliveries}
    id_of = {key: message_id for message_id, key in key_of.items()}
    acked = {m for m, d in deliveries.items() if d.acked_at is not None}
    in_doubt = {m for m, d in deliveries.items() if d.in_doubt}
    by_state: dict[InboxState, set[str]] = {state: set() for state in InboxState}
    for record in records:
        by_state[record.state].add(id_of.get(record.key, f"<unknown key {record.key}>"))
    received = {id_of.get(record.key): record.received_at for record in records}
    # Acknowledged by a send that started after the inbox already held the event: an
    # earlier send was stored, and its answer was lost with the killed server.
    lost_replies = {m for m in acked & in_doubt if received.get(m, math.inf) < (deliveries[m].acked_at or 0)}
    runs = {message_id: count for message_id, (_, count) in effects.items()}
    extra_runs = sum(count - 1 for count in runs.values())
    worker_kills = sum(worker.kills for worker in cluster.workers)
    overruns = cluster.count_in_logs("outlived its lease", workers_only=True)
    unrecorded = cluster.count_in_logs("could not record the outcome", workers_only=True)
    figures.update(
        lost_replies=len(lost_replies),
        taken_again=sum(1 for record in records if record.attempts > 1),
        rerun_events=sum(1 for count in runs.values() if count > 1),
        extra_runs=extra_runs,
        max_runs=max(runs.values(), default=0),
        lease_overruns=overruns,
        unrecorded=unrecorded,
        errors_logged=cluster.count_in_logs("ERROR"),
        total_s=round(time.monotonic() - began, 1),
    )
    print(context())

    # --- what must hold -----------------------------------------------------------------------
    # uvicorn re-raises the SIGTERM once it has shut down; it logs that it finished first.
    server_log = cluster.server.logs[-1].read_text(errors="replace")
    assert server_exit in (0, -signal.SIGTERM) and "Finished server process" in server_log, (
        f"the server did not stop cleanly ({server_exit}):\n{cluster.tail(cluster.server)}" + context()
    )
    assert worker_exits == [0] * WORKERS, f"a worker did not stop cleanly: {worker_exits}" + context()
    assert cluster.server.kills > 0 and worker_kills > 0, "too few kills to prove anything" + context()
    # Nothing was invented: every effect and every inbox record is of an event that was
    # sent, and each effect carries the key the test computes for its event.
    unsent = set(runs) - set(deliveries)
    assert not unsent, f"effects of unsent events: {sorted(unsent)[:5]}" + context()
    unknown = {m for state in by_state.values() for m in state} - set(deliveries)
    assert not unknown, f"inbox records of unsent events: {sorted(unknown)[:5]}" + context()
    mismatched = {m for m, (key, _) in effects.items() if key_of[m] != key}
    assert not mismatched, f"effects under an unexpected key: {sorted(mismatched)[:5]}" + context()
    # Nothing acknowledged was lost: each ran, and the inbox holds it as done.
    lost = acked - set(runs)
    assert not lost, f"{len(lost)} acknowledged event(s) never ran: {sorted(lost)[:5]}" + context()
    not_done = acked - by_state[InboxState.DONE]
    assert not not_done, f"acknowledged, but not done: {sorted(not_done)[:5]}" + context()
    # Nothing ran that the server had not accepted. An event may have run without its
    # own 2xx only if one of its sends was cut after connecting: stored, answer lost.
    never_accepted = set(runs) - acked - in_doubt
    assert not never_accepted, f"ran, but never accepted: {sorted(never_accepted)[:5]}" + context()
    # ...and such a sender sent it again until it got the 2xx of a duplicate, so in the
    # end every event was acknowledged, and effects, done and acknowledged are one set.
    unacked = set(deliveries) - acked
    assert not unacked, (
        f"{len(unacked)} event(s) got no 2xx within {MAX_SENDS} sends or the deadline "
        f"({len(unacked & set(runs))} of them ran): {sorted(unacked)[:5]}" + context()
    )
    assert set(runs) == by_state[InboxState.DONE] == acked, (
        "effects, done and acknowledged differ" + context()
    )
    left = {state.value: len(by_state[state]) for state in InboxState if state is not InboxState.DONE}
    assert not any(left.values()), f"events left not done: {left}" + context()
    # Courier's 200, or a 503 when the inbox could not store in time (the sender retries:
    # correct, and counted in the figures); a valid, signed event never gets anything else.
    statuses = figures["statuses"]
    assert isinstance(statuses, dict) and set(statuses) <= {crash_app.PROVIDER.accepted_status, 503}, (
        "a valid, signed event got an unexpected answer" + context()
    )
    # Exactly once, but for what a kill interrupted: a killed worker had at most
    # WORKER_CONCURRENCY handlers running (a thread takes one event at a time), each of
    # which may have stored its effect and not yet its "done". The only other ways in,
    # both logged by the worker: a lease that ran out under a stalled worker, and a
    # "done" that could not be written (the lease then runs out).
    bound = worker_kills * WORKER_CONCURRENCY + overruns + unrecorded
    assert extra_runs <= bound, (
        f"{extra_runs} extra handler run(s); at most {bound} may follow {worker_kills} worker kill(s), "
        f"{overruns} lease overrun(s) and {unrecorded} unrecorded outcome(s)" + context()
    )


def sending_figures(sender: Sender, cluster: Cluster, chaos: Chaos) -> dict[str, object]:
    """What the senders saw, and what the chaos did."""
    deliveries = sender.deliveries
    statuses: Counter[int] = Counter()
    for delivery in deliveries:
        statuses.update(delivery.statuses)
    refused = sum(d.refused for d in deliveries)
    cut = sum(d.cut for d in deliveries)
    return {
        "acknowledged": sum(1 for d in deliveries if d.acked_at is not None),
        "kills_server": cluster.server.kills,
        "kills_worker": sum(worker.kills for worker in cluster.workers),
        "chaos_rounds": dict(chaos.rounds),
        "requests": statuses.total() + refused + cut,
        "statuses": dict(sorted(statuses.items())),
        "refused": refused,
        "cut": cut,
        "in_doubt": sum(1 for d in deliveries if d.in_doubt),
    }


def read_effects(path: Path) -> dict[str, tuple[str, int]]:
    """``message_id -> (key, runs)`` from the handler's effects file."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT message_id, key, runs FROM effects").fetchall()
    finally:
        connection.close()
    return {str(message_id): (str(key), int(runs)) for message_id, key, runs in rows}
