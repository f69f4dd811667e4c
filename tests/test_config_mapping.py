"""webhook_receiver.config: receivers from a plain mapping, and every problem in one.

Real objects throughout: real providers, signed requests, SQLite files under
``tmp_path``, a real Redis server (skipped without one), environment variables set
with ``monkeypatch.setenv``, handlers named by dotted path into this very module.
"""

from __future__ import annotations

import os
import re
import sys
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import (
    ConfigurationError,
    Event,
    MemoryStore,
    Receiver,
    SQLiteInbox,
    SQLiteStore,
    Worker,
    providers,
)
from webhook_receiver.config import (
    DEFAULT_NAME,
    ENTRY_KEYS,
    PROBLEM_IDS,
    ConfigurationProblem,
    InvalidMapping,
    check_mapping,
    import_object,
    receivers_from_mapping,
)
from webhook_receiver.providers import courier, kourier
from webhook_receiver.testing import sample, sign

HERE = __name__
SECRET = "sup3r-secret-value-never-shown"
TOKEN = "config-test-kourier-token"
NOW = 1_700_000_000.0

# --- what mappings name by dotted path ---------------------------------------------------

CALLS: list[tuple[str, Event]] = []


def on_delivery(event: kourier.DeliveryUpdated) -> None:
    CALLS.append(("on_delivery", event))


def on_any_event(event: Event) -> None:
    CALLS.append(("on_any_event", event))


async def on_message(event: courier.MessageUpdated) -> None:
    CALLS.append(("on_message", event))


NOT_CALLABLE = 5
READY = Receiver(providers.create("kourier", token=TOKEN))
SHARED_STORE = MemoryStore()
FACTORY_CALLS: list[str] = []


def make_store() -> MemoryStore:
    FACTORY_CALLS.append("make_store")
    return MemoryStore(max_entries=10)


def make_nothing() -> int:
    return 1


def make_broken() -> MemoryStore:
    raise ConnectionError(f"redis://:{SECRET}@cache.internal:6379 refused the connection")


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    CALLS.clear()
    FACTORY_CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def hooks_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A tiny module, ``confhooks``, installed in ``sys.modules`` for this test only."""
    module = types.ModuleType("confhooks")

    class Handlers:
        @staticmethod
        def track(event: Event) -> None:
            CALLS.append(("Handlers.track", event))

    module.Handlers = Handlers  # type: ignore[attr-defined]
    module.track = Handlers.track  # type: ignore[attr-defined]
    module.receiver = READY  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "confhooks", module)
    return module


def kourier_request(token: str = TOKEN, padding: str = "") -> tuple[dict[str, str], bytes]:
    payload: Any = sample("kourier", "delivery.updated").payload
    body = sample("kourier", "delivery.updated").body if not padding else _padded(payload, padding)
    return {"Content-Type": "application/json", **sign("kourier", body, secret=token)}, body


def _padded(payload: Any, padding: str) -> bytes:
    import json

    return json.dumps({**payload, "padding": padding}).encode()


def courier_request(secret: str) -> tuple[dict[str, str], bytes]:
    body = sample("courier", "message:updated").body
    return {"Content-Type": "application/json", **sign("courier", body, secret=secret)}, body


def kourier_entry(**extra: Any) -> dict[str, Any]:
    return {"provider": "kourier", "options": {"token": TOKEN}, **extra}


# --- the shape -----------------------------------------------------------------------------


def test_every_key_is_documented_and_known() -> None:
    assert {
        "provider",
        "options",
        "handlers",
        "max_body_size",
        "methods",
        "content_types",
        "store",
        "store_env",
        "inbox",
        "inbox_env",
        "lease",
        "ttl",
        "namespace",
        "accepted_status",
    } == ENTRY_KEYS
    import webhook_receiver.config as config

    assert config.__doc__ is not None
    for key in ENTRY_KEYS:
        assert f"``{key}``" in config.__doc__, key
    for problem_id, description in PROBLEM_IDS.items():
        assert f"``{problem_id}``" in config.__doc__, problem_id
        assert description
    assert list(PROBLEM_IDS) == [f"webhook_receiver.E{n:03d}" for n in range(1, len(PROBLEM_IDS) + 1)]
    for name in config.__all__:
        assert getattr(config, name) is not None
        if callable(getattr(config, name)):
            assert getattr(config, name).__doc__, name


def test_importing_the_module_imports_no_framework_redis_or_celery() -> None:
    import subprocess

    code = (
        "import sys, webhook_receiver.config as c;"
        "m = {'/k': {'provider': 'kourier', 'options': {'token': 't'}, 'store': 'memory'}};"
        "assert c.check_mapping(m) == [] and c.receivers_from_mapping(m);"
        "bad = [m for m in ('flask', 'django', 'starlette', 'fastapi', 'werkzeug', 'redis', 'celery')"
        " if m in sys.modules];"
        "print(','.join(bad))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == ""


# --- end to end ----------------------------------------------------------------------------


def test_a_dict_entry_answers_a_signed_request_and_runs_its_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CONFIG_KOURIER_TOKEN", TOKEN)
    receivers = receivers_from_mapping(
        {
            "/hooks/kourier/": {
                "provider": "kourier",
                "options": {"token_env": "TEST_CONFIG_KOURIER_TOKEN"},
                "handlers": {"delivery.updated": f"{HERE}.on_delivery", "*": [f"{HERE}:on_any_event"]},
            }
        }
    )
    assert list(receivers) == ["/hooks/kourier/"]
    receiver = receivers["/hooks/kourier/"]
    headers, body = kourier_request()
    reply = receiver.handle("POST", headers, body)
    assert reply.status == 200, reply.body
    assert [name for name, _ in CALLS] == ["on_delivery", "on_any_event"]
    assert isinstance(CALLS[0][1], kourier.DeliveryUpdated)
    wrong_headers, _ = kourier_request(token="not-the-token")
    assert receiver.handle("POST", wrong_headers, body).status == 401


def test_env_option_with_one_and_with_several_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CONFIG_COURIER_NEW", "new-courier-secret")
    monkeypatch.setenv("TEST_CONFIG_COURIER_OLD", "old-courier-secret")
    receivers = receivers_from_mapping(
        {
            "/rotating": {
                "provider": "courier",
                "options": {"secret_env": ["TEST_CONFIG_COURIER_NEW", "TEST_CONFIG_COURIER_OLD"]},
                "handlers": {"message:updated": f"{HERE}.on_message"},
            },
            "/single": {"provider": "courier", "options": {"secret_env": "TEST_CONFIG_COURIER_NEW"}},
        }
    )
    rotating, single = receivers["/rotating"], receivers["/single"]
    for secret in ("new-courier-secret", "old-courier-secret"):
        assert rotating.handle("POST", *courier_request(secret)).status == 200
    assert rotating.handle("POST", *courier_request("another-secret")).status == 401
    assert [name for name, _ in CALLS] == ["on_message", "on_message"]
    assert single.handle("POST", *courier_request("new-courier-secret")).status == 200
    assert single.handle("POST", *courier_request("old-courier-secret")).status == 401


def test_environ_and_importer_can_be_given() -> None:
    found: list[str] = []

    def importer(dotted: str) -> object:
        found.append(dotted)
        if dotted == "app.hooks.any":
            return on_any_event
        raise ImportError(f"no {dotted!r} here")

    receivers = receivers_from_mapping(
        {
            "/k": {
                "provider": "kourier",
                "options": {"token_env": "ONLY_IN_THIS_DICT"},
                "handlers": {"*": "app.hooks.any"},
            }
        },
        environ={"ONLY_IN_THIS_DICT": TOKEN},
        importer=importer,
    )
    assert receivers["/k"].handle("POST", *kourier_request()).status == 200
    assert found == ["app.hooks.any"]
    assert [name for name, _ in CALLS] == ["on_any_event"]


def test_ready_receivers_given_or_named_by_dotted_path(hooks_module: types.ModuleType) -> None:
    receivers = receivers_from_mapping(
        {"/a": READY, "/b": f"{HERE}.READY", "/c": f"{HERE}:READY", "/d": "confhooks.receiver"}
    )
    assert receivers == {"/a": READY, "/b": READY, "/c": READY, "/d": READY}
    # One receiver under two spellings of one route is fine, as for the adapters' route table.
    assert receivers_from_mapping({"/a": READY, "/a/": f"{HERE}.READY"}) == {"/a": READY, "/a/": READY}


def test_handlers_by_dotted_path_colon_path_nested_attribute_or_callable(
    hooks_module: types.ModuleType,
) -> None:
    receiver = receivers_from_mapping(
        {
            "/k": kourier_entry(
                handlers={
                    "delivery.*": ["confhooks.Handlers.track", "confhooks:Handlers.track", on_any_event],
                    "delivery.updated": "confhooks.track",
                }
            )
        }
    )["/k"]
    assert receiver.handle("POST", *kourier_request()).status == 200
    # One function registered under several patterns runs once.
    assert [name for name, _ in CALLS] == ["Handlers.track", "on_any_event"]


def test_receiver_settings(tmp_path: Path) -> None:
    receivers = receivers_from_mapping(
        {
            "/small": kourier_entry(max_body_size=1024, methods=["post", "PUT"], content_types=None),
            "/typed": kourier_entry(content_types=["application/json"], namespace="kourier-typed"),
        }
    )
    small, typed = receivers["/small"], receivers["/typed"]
    assert small.max_body_size == 1024
    assert small.methods == ("POST", "PUT")
    assert typed.namespace == "kourier-typed"
    headers, body = kourier_request()
    assert small.handle("GET", headers, body).status == 405
    assert small.handle("PUT", headers, body).status == 200
    assert small.handle("POST", *kourier_request(padding="x" * 2048)).status == 413
    text_headers = {**headers, "Content-Type": "text/plain"}
    assert small.handle("POST", text_headers, body).status == 200  # content_types=None: any
    assert typed.handle("POST", text_headers, body).status == 415


def test_lease_and_ttl_reach_the_store() -> None:
    receiver = receivers_from_mapping(
        {"/k": kourier_entry(store="memory", lease=30, ttl=600, handlers={"*": f"{HERE}.on_any_event"})}
    )["/k"]
    headers, body = kourier_request()
    statuses: list[int] = []

    @receiver.on_any
    def deliver_again_while_running(event: Event) -> None:
        if len(statuses) == 0:
            statuses.append(receiver.handle("POST", headers, body, now=NOW + 29).status)  # the lease holds
            statuses.append(receiver.handle("POST", headers, body, now=NOW + 31).status)  # it ran out

    receiver.handle("POST", headers, body, now=NOW)
    assert statuses == [409, 200]
    assert len(CALLS) == 2  # the first delivery, and the one that took over after the lease
    assert receiver.handle("POST", headers, body, now=NOW + 31 + 599).status == 200
    assert len(CALLS) == 2  # done, remembered for the ttl: a duplicate
    assert receiver.handle("POST", headers, body, now=NOW + 31 + 601).status == 200
    assert len(CALLS) == 3  # forgotten after the ttl


# --- stores --------------------------------------------------------------------------------


def test_memory_and_sqlite_store_urls_make_replays_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "events.db"
    receivers = receivers_from_mapping(
        {
            "/memory": kourier_entry(store="memory", handlers={"*": f"{HERE}.on_any_event"}),
            "/memory-too": kourier_entry(store="memory", namespace="second"),
            "/absolute": kourier_entry(store=f"sqlite://{absolute}", handlers={"*": f"{HERE}.on_any_event"}),
            "/relative": kourier_entry(store="sqlite:events.db", namespace="relative"),
            "/other": kourier_entry(store="sqlite:other.db"),
        }
    )
    assert isinstance(receivers["/memory"].store, MemoryStore)
    assert receivers["/memory"].store is receivers["/memory-too"].store
    store = receivers["/absolute"].store
    assert isinstance(store, SQLiteStore)
    assert store.path == str(absolute)
    assert absolute.is_file()
    # The same file, however it is spelt: one object.
    assert receivers["/relative"].store is store
    other = receivers["/other"].store
    assert isinstance(other, SQLiteStore)
    assert other.path == str(tmp_path / "other.db")
    for path in ("/memory", "/absolute"):
        CALLS.clear()
        headers, body = kourier_request()
        assert receivers[path].handle("POST", headers, body).status == 200
        assert receivers[path].handle("POST", headers, body).status == 200  # the replay
        assert len(CALLS) == 1, path
    store.close()
    other.close()


def test_redis_store_url(redis_url: str) -> None:
    from webhook_receiver.redis_store import RedisStore

    namespace = f"config-test-{uuid.uuid4().hex}"
    receivers = receivers_from_mapping(
        {
            "/a": kourier_entry(store=redis_url, namespace=namespace, handlers={"*": f"{HERE}.on_any_event"}),
            "/b": kourier_entry(store=redis_url, namespace=namespace + "-b"),
        }
    )
    store = receivers["/a"].store
    assert isinstance(store, RedisStore)
    assert receivers["/b"].store is store
    headers, body = kourier_request()
    assert receivers["/a"].handle("POST", headers, body).status == 200
    assert receivers["/a"].handle("POST", headers, body).status == 200
    assert len(CALLS) == 1
    store.close()


def test_redis_store_without_the_redis_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # what "not installed" looks like to import
    for name in [name for name in sys.modules if name.endswith("redis_store")]:
        monkeypatch.delitem(sys.modules, name)
    mapping = {"/k": kourier_entry(store=f"redis://:{SECRET}@127.0.0.1:6379/0")}
    [problem] = check_mapping(mapping)
    assert problem.id == "webhook_receiver.E014"
    assert (problem.path, problem.option) == ("/k", "store")
    assert "pip install 'webhook-receiver[redis]'" in problem.message
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping(mapping)
    assert "webhook-receiver[redis]" in str(info.value)
    assert SECRET not in str(info.value)


def test_postgresql_store_and_inbox_urls(postgres_url: str) -> None:
    from webhook_receiver.postgres import PostgresInbox, PostgresStore

    for made in (PostgresStore(postgres_url), PostgresInbox(postgres_url)):
        made.create_schema()  # the deploy step, before the app reads its settings
        made.close()
    namespace = f"config-test-{uuid.uuid4().hex}"
    mapping = {
        "/a": kourier_entry(store=postgres_url, namespace=namespace, handlers={"*": f"{HERE}.on_any_event"}),
        "/b": kourier_entry(store=postgres_url, namespace=namespace + "-b"),
        "/c": kourier_entry(inbox=postgres_url, namespace=namespace + "-c"),
    }
    assert check_mapping(mapping) == []
    receivers = receivers_from_mapping(mapping)
    store, inbox = receivers["/a"].store, receivers["/c"].inbox
    assert isinstance(store, PostgresStore) and receivers["/b"].store is store
    assert isinstance(inbox, PostgresInbox)
    headers, body = kourier_request()
    assert receivers["/a"].handle("POST", headers, body).status == 200
    assert receivers["/a"].handle("POST", headers, body).status == 200  # the replay
    assert len(CALLS) == 1
    assert receivers["/c"].handle("POST", headers, body).status == 202
    assert [record.namespace for record in inbox.list(namespace=namespace + "-c")] == [namespace + "-c"]
    inbox.purge("done")
    store.close()
    inbox.close()


def test_postgresql_without_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what "not installed" looks like to import
    for name in [name for name in sys.modules if name.endswith(".postgres")]:
        monkeypatch.delitem(sys.modules, name)
    mapping = {"/k": kourier_entry(inbox=f"postgresql://u:{SECRET}@127.0.0.1/db")}
    [problem] = check_mapping(mapping)
    assert (problem.id, problem.path, problem.option) == ("webhook_receiver.E014", "/k", "inbox")
    assert "pip install 'webhook-receiver[postgres]'" in problem.message
    assert SECRET not in problem.message


def test_store_objects_dotted_paths_and_factories() -> None:
    store = MemoryStore()
    receivers = receivers_from_mapping(
        {
            "/object": kourier_entry(store=store),
            "/dotted": kourier_entry(store=f"{HERE}.SHARED_STORE"),
            "/factory": kourier_entry(store=f"{HERE}.make_store"),
            "/same-factory": kourier_entry(store=f"{HERE}.make_store", namespace="again"),
            "/class": kourier_entry(store="webhook_receiver.MemoryStore"),
            "/callable": kourier_entry(store=make_store),
            "/none": kourier_entry(store=None),
        }
    )
    assert receivers["/object"].store is store
    assert receivers["/dotted"].store is SHARED_STORE
    made = receivers["/factory"].store
    assert isinstance(made, MemoryStore)
    assert receivers["/same-factory"].store is made  # one dotted path: one object
    assert isinstance(receivers["/class"].store, MemoryStore)
    assert isinstance(receivers["/callable"].store, MemoryStore)
    assert receivers["/none"].store is None
    assert FACTORY_CALLS == ["make_store", "make_store"]  # the dotted factory once, the callable once


def test_store_and_inbox_urls_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CONFIG_STORE_URL", f"sqlite://{tmp_path}/events.db")
    monkeypatch.setenv("TEST_CONFIG_INBOX_URL", f"sqlite://{tmp_path}/inbox.db")
    receiver = receivers_from_mapping(
        {"/k": kourier_entry(store_env="TEST_CONFIG_STORE_URL", inbox_env="TEST_CONFIG_INBOX_URL")}
    )["/k"]
    assert isinstance(receiver.store, SQLiteStore)
    assert receiver.store.path == str(tmp_path / "events.db")
    assert isinstance(receiver.inbox, SQLiteInbox)
    assert receiver.inbox.path == str(tmp_path / "inbox.db")
    receiver.store.close()
    receiver.inbox.close()


# --- inboxes -------------------------------------------------------------------------------


def test_an_inbox_answers_202_and_holds_the_event_for_a_worker(tmp_path: Path) -> None:
    receivers = receivers_from_mapping(
        {
            "/deferred": kourier_entry(
                inbox=f"sqlite://{tmp_path}/inbox.db", handlers={"delivery.updated": f"{HERE}.on_delivery"}
            ),
            "/deferred-200": kourier_entry(
                inbox=f"sqlite://{tmp_path}/inbox.db", namespace="kourier-200", accepted_status=200
            ),
        }
    )
    receiver = receivers["/deferred"]
    inbox = receiver.inbox
    assert isinstance(inbox, SQLiteInbox)
    assert receivers["/deferred-200"].inbox is inbox
    headers, body = kourier_request()
    assert receiver.handle("POST", headers, body).status == 202
    assert receivers["/deferred-200"].handle("POST", headers, body).status == 200
    assert CALLS == []  # nothing ran in the request
    [first, second] = inbox.list()
    assert (first.namespace, first.type, first.state) == ("kourier", "delivery.updated", "pending")
    assert second.namespace == "kourier-200"
    assert Worker(inbox).run_once() == 2
    assert [name for name, _ in CALLS] == ["on_delivery"]  # each namespace's own handlers
    inbox.close()


def test_one_inbox_file_named_by_several_paths_is_one_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    ready = Receiver(
        providers.create("stripe", secret="whsec_x"), inbox=SQLiteInbox(tmp_path / "data" / "in.db")
    )
    receivers = receivers_from_mapping(
        {
            "/kourier": kourier_entry(inbox=f"sqlite://{tmp_path}/data/in.db"),
            "/courier": {"provider": "courier", "options": {"secret": "s"}, "inbox": "sqlite:data/in.db"},
            "/customerio": {
                "provider": "customerio",
                "options": {"secret": "s"},
                "inbox": f"sqlite://{tmp_path}/data/../data/in.db",
            },
            "/stripe": ready,
        }
    )
    inboxes = {id(receiver.inbox) for receiver in receivers.values()}
    assert inboxes == {id(ready.inbox)}  # the ready receiver's own inbox, reused for its file
    assert isinstance(ready.inbox, SQLiteInbox)
    assert set(ready.inbox.receivers.namespaces()) == {"kourier", "courier", "customerio", "stripe"}
    ready.inbox.close()


def test_sqlite_url_spellings_and_a_subclass_inbox_reused_for_its_file(tmp_path: Path) -> None:
    class OwnInbox(SQLiteInbox):
        """An application's own inbox class: still the one object for its file."""

    own = OwnInbox(tmp_path / "in.db", durability="process")
    receivers = receivers_from_mapping(
        {
            "/a": kourier_entry(inbox=own),
            "/b": {"provider": "courier", "options": {"secret": "s"}, "inbox": f"sqlite:///{tmp_path}/in.db"},
            "/c": kourier_entry(store=f"sqlite:///{tmp_path}/events.db", namespace="c"),
            "/d": kourier_entry(store=f"sqlite:{tmp_path}/events%20two.db", namespace="d"),
        }
    )
    assert receivers["/b"].inbox is own  # four slashes (SQLAlchemy's absolute spelling) name it too
    store = receivers["/c"].store
    assert isinstance(store, SQLiteStore)
    assert store.path == str(tmp_path / "events.db")
    other = receivers["/d"].store
    assert isinstance(other, SQLiteStore)
    assert other.path == str(tmp_path / "events two.db")  # percent-escapes are decoded
    for closing in (own, store, other):
        closing.close()


def test_inbox_objects_and_dotted_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = SQLiteInbox(tmp_path / "given.db")
    module = types.ModuleType("confinbox")
    module.inbox = inbox  # type: ignore[attr-defined]
    module.make = lambda: inbox  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "confinbox", module)
    receivers = receivers_from_mapping(
        {
            "/object": kourier_entry(inbox=inbox, namespace="a"),
            "/dotted": kourier_entry(inbox="confinbox.inbox", namespace="b"),
            "/factory": kourier_entry(inbox="confinbox:make", namespace="c"),
            "/url": kourier_entry(inbox=f"sqlite://{tmp_path}/given.db", namespace="d"),
        }
    )
    assert all(receiver.inbox is inbox for receiver in receivers.values())
    assert set(inbox.receivers.namespaces()) == {"a", "b", "c", "d"}
    inbox.close()


# --- checks ----------------------------------------------------------------------------------


def test_a_good_mapping_has_no_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CONFIG_TOKEN", TOKEN)
    mapping = {
        "/a": {"provider": "kourier", "options": {"token_env": "TEST_CONFIG_TOKEN"}, "store": "memory"},
        "/b": "tests.test_config_mapping.READY",
    }
    assert check_mapping(mapping) == []


def test_checks_open_nothing_call_no_factory_and_attach_nothing(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.db")
    mapping = {
        "/a": kourier_entry(store=f"sqlite://{tmp_path}/never-created.db", inbox=inbox),
        "/b": kourier_entry(
            store=f"{HERE}.make_store", inbox=f"sqlite://{tmp_path}/never-either.db", namespace="b"
        ),
    }
    assert check_mapping(mapping) == []
    assert not (tmp_path / "never-created.db").exists()
    assert not (tmp_path / "never-either.db").exists()
    assert FACTORY_CALLS == []
    assert inbox.receivers.namespaces() == ()
    inbox.close()


def test_check_mapping_reports_every_problem_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_CONFIG_UNSET", raising=False)
    monkeypatch.setenv("TEST_CONFIG_SECRET", SECRET)
    mapping: dict[object, object] = {
        "/a": {
            "provider": "courier",
            "options": {"secret_env": "TEST_CONFIG_UNSET"},
            "handlers": {"*": "nowhere.at_all", "message:updated": f"{HERE}.NOT_CALLABLE"},
            "colour": "blue",
            "store": f"sqlite://{tmp_path}/no/such/dir/events.db",
        },
        "/a/": f"{HERE}.READY",
        "b": f"{HERE}.READY",
        "/c": {"provider": "nope", "options": {"secret_env": "TEST_CONFIG_SECRET"}, "ttl": 0},
        "/d": 42,
    }
    problems = check_mapping(mapping, name="settings.WEBHOOK_RECEIVER")
    found = [(p.id[-4:], p.path, p.option) for p in problems]
    assert found == [
        ("E015", "/a", "store"),
        ("E005", "/a", "colour"),
        ("E009", "/a", "options['secret_env']"),
        ("E011", "/a", "handlers['*']"),
        ("E012", "/a", "handlers['message:updated']"),
        ("E003", "/a/", None),
        ("E002", "b", None),
        ("E007", "/c", "provider"),
        ("E006", "/c", "ttl"),
        ("E004", "/d", None),
    ]
    for problem in problems:
        assert isinstance(problem, ConfigurationProblem)
        assert problem.id in PROBLEM_IDS
        assert problem.message.startswith("settings.WEBHOOK_RECEIVER")
        assert SECRET not in str(problem)
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping(mapping, name="settings.WEBHOOK_RECEIVER")
    assert info.value.problems == tuple(problems)
    text = str(info.value)
    assert text.startswith("settings.WEBHOOK_RECEIVER has 10 problems:\n- ")
    assert all(str(problem) in text for problem in problems)
    assert SECRET not in text
    assert isinstance(info.value, ConfigurationError)
    assert isinstance(info.value, ValueError)


def test_a_single_problem_is_the_whole_message() -> None:
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping({"/k": {"provider": "nope"}})
    [problem] = info.value.problems
    assert str(info.value) == str(problem)
    assert str(problem) == f"{problem.message} (HINT: {problem.hint})"
    assert problem.message == "WEBHOOK_RECEIVER['/k']: unknown provider 'nope'"


def test_two_paths_sharing_an_inbox_under_one_namespace(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/inbox.db"
    ready = Receiver(providers.create("kourier", token=TOKEN), inbox=SQLiteInbox(tmp_path / "ready.db"))
    mapping = {
        "/one": kourier_entry(inbox=url),
        "/two": kourier_entry(inbox=f"sqlite:{tmp_path}/./inbox.db"),
        "/three": kourier_entry(inbox=url, namespace="three"),
        "/ready": ready,
        "/four": kourier_entry(inbox=f"sqlite://{tmp_path}/ready.db"),
    }
    problems = check_mapping(mapping)
    assert [(p.id, p.path, p.option) for p in problems] == [
        ("webhook_receiver.E016", "/two", "namespace"),
        ("webhook_receiver.E016", "/four", "namespace"),
    ]
    assert "'/one'" in problems[0].message
    assert "'kourier'" in problems[0].message
    assert "'/ready'" in problems[1].message
    with pytest.raises(InvalidMapping):
        receivers_from_mapping(mapping)
    assert isinstance(ready.inbox, SQLiteInbox)
    assert ready.inbox.receivers.namespaces() == ("kourier",)  # only its own: nothing was attached
    ready.inbox.close()


# --- every problem, one by one ---------------------------------------------------------------

ENTRY = "/hooks/x"
COURIER = {"provider": "courier", "options": {"secret": SECRET}}


def courier_with(**extra: Any) -> dict[str, Any]:
    return {**COURIER, **extra}


# (the value at ENTRY, the problem id, its option, a substring of its message)
BAD_ENTRIES: list[tuple[object, str, str | None, str]] = [
    (42, "E004", None, "must be a dotted path to a Receiver or a dict with 'provider' (got int)"),
    ("no_such_module_here.receiver", "E011", None, "cannot import 'no_such_module_here.receiver'"),
    (f"{HERE}.no_such_name", "E011", None, f"cannot import '{HERE}.no_such_name'"),
    (f"{HERE}:no_such_name", "E011", None, "has no attribute 'no_such_name'"),
    ("receiver", "E011", None, "must be a dotted path"),
    (SECRET, "E011", None, "must be a dotted path"),
    (f"{HERE}.on_delivery", "E012", None, "is a function, not a Receiver"),
    (f"{HERE}.NOT_CALLABLE", "E012", None, "is a int, not a Receiver"),
    ({"options": {"secret": SECRET}}, "E007", "provider", "'provider' must name a provider"),
    ({"provider": 7, "options": {"secret": SECRET}}, "E007", "provider", "'provider' must name a provider"),
    ({"provider": "nope", "options": {"secret": SECRET}}, "E007", "provider", "unknown provider 'nope'"),
    (courier_with(options={"secret": SECRET, "colour": "blue"}), "E008", "options", "'colour'"),
    (courier_with(options={"secret": ""}), "E008", "options", "secret must not be empty"),
    (courier_with(options={"secret": SECRET, "tolerance": "x"}), "E008", "options", "tolerance"),
    (courier_with(options={"secret_env": "TEST_SECRET", "tolerance": -1}), "E008", "options", "tolerance"),
    (courier_with(options=[SECRET]), "E006", "options", "'options' must be a dict, not list"),
    (courier_with(options={1: SECRET}), "E006", "options", "option names must be strings"),
    (courier_with(options={"secret_env": "TEST_UNSET_VARIABLE"}), "E009", "options['secret_env']", "not set"),
    (
        courier_with(options={"secret_env": "TEST_EMPTY_VARIABLE"}),
        "E009",
        "options['secret_env']",
        "is empty",
    ),
    (
        courier_with(options={"secret_env": ["TEST_SECRET", "TEST_UNSET_VARIABLE"]}),
        "E009",
        "options['secret_env']",
        "'TEST_UNSET_VARIABLE', which is not set",
    ),
    (
        courier_with(options={"secret_env": 3}),
        "E006",
        "options['secret_env']",
        "must name an environment variable",
    ),
    (
        courier_with(options={"secret_env": []}),
        "E006",
        "options['secret_env']",
        "must name an environment variable",
    ),
    (
        courier_with(options={"secret": SECRET, "secret_env": "TEST_SECRET"}),
        "E010",
        "options['secret_env']",
        "give 'secret' or 'secret_env', not both",
    ),
    (courier_with(secret=SECRET), "E005", "secret", "unknown key 'secret'"),
    (courier_with(handlers=["x"]), "E006", "handlers", "'handlers' must be a dict"),
    (
        courier_with(handlers={"*": "nowhere.at_all"}),
        "E011",
        "handlers['*']",
        "cannot import 'nowhere.at_all'",
    ),
    (courier_with(handlers={"*": "not a path"}), "E011", "handlers['*']", "must be a dotted path"),
    (courier_with(handlers={"*": f"{HERE}.NOT_CALLABLE"}), "E012", "handlers['*']", "is not callable"),
    (courier_with(handlers={"*": [on_any_event, 5]}), "E006", "handlers['*']", "a dotted path or a callable"),
    (courier_with(handlers={"": f"{HERE}.on_any_event"}), "E006", "handlers", "non-empty strings"),
    (courier_with(max_body_size=-1), "E006", "max_body_size", "positive whole number of bytes"),
    (courier_with(max_body_size=True), "E006", "max_body_size", "positive whole number of bytes"),
    (courier_with(max_body_size="10"), "E006", "max_body_size", "positive whole number of bytes"),
    (courier_with(methods="POST"), "E006", "methods", "'methods' must be a list of strings"),
    (courier_with(methods=[1]), "E006", "methods", "'methods' must be a list of strings"),
    (courier_with(methods=[]), "E006", "methods", "at least one HTTP method"),
    (courier_with(content_types="application/json"), "E006", "content_types", "or None for any"),
    (courier_with(lease=0), "E006", "lease", "positive, finite number of seconds"),
    (courier_with(ttl="long"), "E006", "ttl", "positive, finite number of seconds"),
    (courier_with(ttl=60), "E006", "ttl", "must be at least the lease (120 s)"),
    (courier_with(lease=600, ttl=300), "E006", "ttl", "must be at least the lease (600 s)"),
    (courier_with(namespace=""), "E006", "namespace", "non-empty string"),
    (courier_with(namespace=5), "E006", "namespace", "non-empty string"),
    (courier_with(accepted_status=301), "E006", "accepted_status", "2xx"),
    (courier_with(accepted_status=True), "E006", "accepted_status", "2xx"),
    (courier_with(accepted_status="202"), "E006", "accepted_status", "2xx"),
    (courier_with(store=42), "E006", "store", "not an idempotency store or a factory of one"),
    (courier_with(store=f"foo://user:{SECRET}@host/0"), "E013", "store", "'foo' is not a URL scheme"),
    (courier_with(store=f"{SECRET}://x"), "E013", "store", "this is not a URL scheme"),
    (courier_with(store="memory://somewhere"), "E013", "store", "write 'memory'"),
    (courier_with(store="sqlite://host/events.db"), "E013", "store", "not a SQLite file URL"),
    (courier_with(store="sqlite:"), "E013", "store", "not a SQLite file URL"),
    (courier_with(store="sqlite::memory:"), "E013", "store", "not a SQLite file URL"),
    (courier_with(store="sqlite:///tmp/events.db?mode=ro"), "E013", "store", "not a SQLite file URL"),
    (courier_with(store=f"redis://:{SECRET}@127.0.0.1:notaport/0"), "E013", "store", "not a Redis URL"),
    (
        courier_with(store=f"postgresql://u:{SECRET}@127.0.0.1:notaport/db"),
        "E013",
        "store",
        "not a PostgreSQL URL",
    ),
    (
        courier_with(inbox=f"postgresql://u:{SECRET}@h/db?nosuchoption=1"),
        "E013",
        "inbox",
        "not a PostgreSQL URL",
    ),
    (
        courier_with(store=f"sk_live_{SECRET}"),
        "E013",
        "store",
        "neither a URL this module reads nor a dotted path",
    ),
    (courier_with(store="nowhere.store"), "E011", "store", "cannot import 'nowhere.store'"),
    (courier_with(store=f"{HERE}.NOT_CALLABLE"), "E012", "store", "is a int, not an idempotency store"),
    (
        courier_with(store="memory", store_env="TEST_SECRET"),
        "E010",
        "store_env",
        "give 'store' or 'store_env'",
    ),
    (courier_with(store_env=5), "E006", "store_env", "must name an environment variable"),
    (courier_with(store_env="TEST_UNSET_VARIABLE"), "E009", "store_env", "not set"),
    (courier_with(store_env="TEST_SECRET"), "E013", "store_env", "variable 'TEST_SECRET') is neither a URL"),
    (courier_with(inbox="memory"), "E013", "inbox", "an inbox cannot be in memory"),
    (
        courier_with(inbox=f"redis://:{SECRET}@127.0.0.1:6379/0"),
        "E013",
        "inbox",
        "an inbox cannot be in Redis",
    ),
    (courier_with(inbox="sqlite://host/inbox.db"), "E013", "inbox", "not a SQLite file URL"),
    (courier_with(inbox=f"{HERE}.SHARED_STORE"), "E012", "inbox", "is a MemoryStore, not an inbox"),
    (courier_with(inbox_env="TEST_UNSET_VARIABLE"), "E009", "inbox_env", "not set"),
]


def _named_in(option: str, message: str) -> bool:
    """Whether ``message`` names ``option`` ("options['secret_env']" is named by "secret_env")."""
    keys = re.findall(r"\['([^']*)'\]", option)
    return (keys[-1] if keys else option) in message


@pytest.mark.parametrize(("value", "problem_id", "option", "message"), BAD_ENTRIES)
def test_every_problem_names_the_mapping_path_and_option_never_a_secret(
    monkeypatch: pytest.MonkeyPatch, value: object, problem_id: str, option: str | None, message: str
) -> None:
    monkeypatch.delenv("TEST_UNSET_VARIABLE", raising=False)
    monkeypatch.setenv("TEST_EMPTY_VARIABLE", "  ")
    monkeypatch.setenv("TEST_SECRET", SECRET)
    problems = check_mapping({ENTRY: value}, name="settings.HOOKS")
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.id == f"webhook_receiver.{problem_id}"
    assert (problem.path, problem.option) == (ENTRY, option)
    assert message in problem.message
    assert problem.message.startswith(f"settings.HOOKS[{ENTRY!r}]")
    if option is not None:
        assert _named_in(option, problem.message), problem.message
    assert SECRET not in str(problem)
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping({ENTRY: value}, name="settings.HOOKS")
    assert info.value.problems == (problem,)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("mapping", "problem_id", "path", "message"),
    [
        (
            "/hooks/x",
            "E001",
            None,
            "WEBHOOK_RECEIVER must be a non-empty dict of URL path -> receiver (got str)",
        ),
        ({}, "E001", None, "must be a non-empty dict"),
        ([("/hooks/x", f"{HERE}.READY")], "E001", None, "(got list)"),
        (
            {"hooks/x": f"{HERE}.READY"},
            "E002",
            "hooks/x",
            "the path 'hooks/x' must be a string starting with '/'",
        ),
        ({3: f"{HERE}.READY"}, "E002", "3", "the path 3 must be a string"),
        (
            {"/a": kourier_entry(), "/a/": kourier_entry()},
            "E003",
            "/a/",
            "'/a' and '/a/' name the same route '/a'",
        ),
        (
            {"/a/b": kourier_entry(), "//a/./b": kourier_entry()},
            "E003",
            "//a/./b",
            "name the same route '/a/b'",
        ),
        ({"/a/b": kourier_entry(), "/a/c/../b": READY}, "E003", "/a/c/../b", "name the same route"),
    ],
)
def test_problems_with_the_mapping_and_its_paths(
    mapping: object, problem_id: str, path: str | None, message: str
) -> None:
    [problem] = check_mapping(mapping)
    assert problem.id == f"webhook_receiver.{problem_id}"
    assert (problem.path, problem.option) == (path, None)
    assert message in problem.message
    assert problem.message.startswith(DEFAULT_NAME)
    with pytest.raises(InvalidMapping):
        receivers_from_mapping(mapping)


def test_stores_and_inboxes_that_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "a-directory").mkdir()
    mapping = {
        "/missing-dir": courier_with(store=f"sqlite://{tmp_path}/nowhere/events.db"),
        "/is-a-dir": courier_with(inbox=f"sqlite://{tmp_path}/a-directory"),
    }
    problems = check_mapping(mapping)
    assert [(p.id[-4:], p.path, p.option) for p in problems] == [
        ("E015", "/missing-dir", "store"),
        ("E015", "/is-a-dir", "inbox"),
    ]
    assert f"the directory '{tmp_path}/nowhere' does not exist" in problems[0].message
    assert "is a directory" in problems[1].message
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping(mapping)
    assert info.value.problems == tuple(problems)


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (f"{HERE}.make_nothing", "its factory returned a int, not an idempotency store"),
        (f"{HERE}.make_broken", "calling its factory raised ConnectionError: redis://:***@cache.internal"),
        (f"{HERE}.on_delivery", "calling its factory raised TypeError"),
    ],
)
def test_store_factories_are_called_when_building_not_when_checking(store: str, message: str) -> None:
    mapping = {ENTRY: courier_with(store=store)}
    assert check_mapping(mapping) == []
    with pytest.raises(InvalidMapping) as info:
        receivers_from_mapping(mapping)
    [problem] = info.value.problems
    assert problem.id in ("webhook_receiver.E012", "webhook_receiver.E015")
    assert (problem.path, problem.option) == (ENTRY, "store")
    assert message in problem.message
    assert SECRET not in str(info.value)


def test_a_module_that_fails_to_import_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"confbroken_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text("import confmissing_dependency_xyz\n")
    (tmp_path / f"{name}_raises.py").write_text(
        f"raise RuntimeError('cannot start: redis://:{SECRET}@h/0')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    problems = check_mapping(
        {"/a": f"{name}.receiver", "/b": courier_with(handlers={"*": f"{name}_raises.handler"})}
    )
    assert [p.id for p in problems] == ["webhook_receiver.E011"] * 2
    assert "No module named 'confmissing_dependency_xyz'" in problems[0].message
    assert "importing it raised RuntimeError: cannot start: redis://:***@h/0" in problems[1].message
    assert SECRET not in str(problems[1])


# --- import_object ---------------------------------------------------------------------------


def test_import_object_forms(hooks_module: types.ModuleType) -> None:
    assert import_object(f"{HERE}.on_delivery") is on_delivery
    assert import_object(f"{HERE}:on_delivery") is on_delivery
    assert import_object("confhooks.Handlers.track") is hooks_module.Handlers.track
    assert import_object("confhooks:Handlers.track") is hooks_module.Handlers.track
    assert import_object("os.path.join") is os.path.join
    assert import_object("webhook_receiver.providers.kourier.DeliveryUpdated") is kourier.DeliveryUpdated


@pytest.mark.parametrize(
    ("dotted", "message"),
    [
        ("no_such_package_xyz.mod.attr", "No module named 'no_such_package_xyz'"),
        ("webhook_receiver.no_such_module.attr", "No module named 'webhook_receiver.no_such_module'"),
        ("webhook_receiver.providers.nothing_here", "has no attribute 'nothing_here'"),
        ("webhook_receiver:Receiver.nothing_here", "has no attribute 'Receiver.nothing_here'"),
        ("nodots", "not a dotted path"),
        ("a..b", "not a dotted path"),
        ("a.b:", "not a dotted path"),
        (":b", "not a dotted path"),
        ("a.b-c", "not a dotted path"),
        (SECRET, "not a dotted path"),
    ],
)
def test_import_object_failures_are_import_errors(dotted: str, message: str) -> None:
    with pytest.raises(ImportError, match=re.escape(message)) as info:
        import_object(dotted)
    if "." not in dotted or "-" in dotted:
        assert dotted not in str(info.value)
