"""Receivers from a plain mapping: the framework-free reader of ``WEBHOOK_RECEIVER``-style settings.

Django's ``settings.WEBHOOK_RECEIVER``, a TOML or JSON file read by a script, a dict in
an app factory: any mapping of URL path to receiver becomes ``{path: Receiver}`` with
:func:`receivers_from_mapping`, and :func:`check_mapping` lists every problem in one
(for Django's system checks, ``manage.py check``) without raising on the first.
Nothing here imports a web framework, Redis or Celery: a ``redis://`` store imports
``webhook_receiver.redis_store`` when, and only when, a mapping asks for one, and a
``"django"`` store or inbox imports ``webhook_receiver.adapters.django.db`` likewise.

The shape
=========

Each key is a URL path starting with ``/``. Adapters answer every spelling of a path
(a trailing slash, doubled slashes, ``.`` and ``..`` segments: see
``_pipeline.canonical_path``), so two keys that are spellings of one route are a
problem, unless both name the same ready receiver. Each value is one of:

* a ready :class:`~webhook_receiver.Receiver`, used as it is;
* a dotted path to one: ``"myapp.hooks.kourier_receiver"`` or ``"myapp.hooks:kourier_receiver"``;
* a dict describing one, with these keys (only ``provider`` is required):

``provider``
    a provider name for ``webhook_receiver.providers.create``: ``"courier"``,
    ``"stripe"``, ...
``options``
    the provider's options. ``"<option>_env": "VAR"`` reads ``<option>`` from the
    environment variable ``VAR``; a list of variables gives a list of values (several
    secrets, during a rotation). Giving both ``secret`` and ``secret_env`` is a
    problem, and so is a variable that is not set or is empty. Values read from the
    environment are strings.
``handlers``
    event pattern (``"message:updated"``, ``"delivery.*"``; ``"*"`` registers with
    ``on_any``, for every event) -> a handler: a dotted path to a callable, a
    callable, or a list of them (run in that order).
``max_body_size``, ``methods``, ``content_types``
    as ``Receiver`` takes them: a positive number of bytes; a non-empty list of HTTP
    methods; a list of media types, or ``None`` for any.
``store``
    the idempotency store (each event's handlers run once): a store object; a dotted
    path to one, or to a zero-argument factory that returns one; or a URL:
    ``"memory"`` (a ``MemoryStore``), ``"sqlite:///absolute/path.db"`` or
    ``"sqlite:relative/path.db"`` (a ``SQLiteStore``; relative to the working
    directory when the mapping is read), ``"redis://host:6379/0"`` or ``"rediss://..."``
    (``RedisStore.from_url``; needs ``pip install 'webhook-receiver[redis]'``), or
    ``"postgresql://user@host/db"`` (a ``PostgresStore``; the ``postgres`` extra; its table
    made once by ``webhook-receiver db init``), or ``"django"`` / ``"django:<alias>"`` (a
    ``DjangoStore`` in the project's database, ``"default"`` or the alias named; needs the
    app ``"webhook_receiver.adapters.django.db"`` in ``INSTALLED_APPS``, migrated).
    SQLite URLs read as URLs do: ``sqlite:///var/x.db`` is the absolute path
    ``/var/x.db`` (SQLAlchemy would read it as relative; its ``sqlite:////var/x.db``
    means the same file here too), and a relative path has no slashes after the colon.
``store_env``
    the name of an environment variable holding the ``store`` URL (a Redis URL with a
    password stays out of the settings file).
``inbox``
    defer processing (answer once stored, run the handlers in a worker): an inbox
    object (``SQLiteInbox``, ``CeleryInbox``); a dotted path to one or to a
    zero-argument factory; or ``"sqlite:///absolute/path.db"`` /
    ``"sqlite:relative/path.db"`` (a ``SQLiteInbox``), ``"postgresql://user@host/db"``
    (a ``PostgresInbox``), or ``"django"`` / ``"django:<alias>"`` (a ``DjangoInbox``, as
    for ``store``).
``inbox_env``
    the name of an environment variable holding the ``inbox`` URL.
``lease``, ``ttl``
    seconds: how long a claim in the store holds an event, and how long a done event
    is remembered (``ttl`` at least ``lease``).
``namespace``
    the prefix of the event keys (default: the provider's name). Two paths that put
    events in one inbox need different namespaces: an inbox runs each namespace's
    events with one receiver's handlers.
``accepted_status``
    the 2xx a deferred receiver answers (default: the provider's, 202 or 200).

One object per store and per inbox: paths that give the same URL (the same SQLite
file, however it is spelled; the same Redis URL; ``"memory"``; the same Django
database) or the same dotted path
share one object, and a ready receiver's ``SQLiteStore``/``SQLiteInbox`` is reused by
paths whose URL names its file. So a worker given any of these receivers' inbox runs
the events of every path that shares it. A worker process builds the same receivers
from the same mapping (``receivers_from_mapping(settings.WEBHOOK_RECEIVER)``), so it
knows the same handlers.

Example::

    WEBHOOK_RECEIVER = {
        "/hooks/kourier/": "myapp.hooks.kourier_receiver",  # a ready Receiver
        "/hooks/customerio/": {
            "provider": "customerio",
            "options": {"secret_env": "CUSTOMERIO_SECRET"},  # read from the environment
            "handlers": {"track": "myapp.hooks.on_track", "*": ["myapp.hooks.log_any"]},
            "max_body_size": 2 * 1024 * 1024,
            "store": "sqlite:///var/lib/myapp/webhook-events.db",
        },
        "/hooks/courier/": {
            "provider": "courier",
            "options": {
                # A rotation: the old secret verifies until the time given, then stops.
                "secret_env": [
                    "COURIER_SECRET_NEW",
                    {"name": "COURIER_SECRET_OLD", "expires_at": "2026-12-01T00:00:00+00:00"},
                ]
            },
            "handlers": {"message:updated": "myapp.hooks.on_message"},
            "inbox": "sqlite:///var/lib/myapp/webhook-inbox.db",  # answered 200, run by a worker
            "store_env": "WEBHOOK_REDIS_URL",  # "redis://:password@redis.internal:6379/0"
        },
    }

    receivers = receivers_from_mapping(WEBHOOK_RECEIVER)  # {path: Receiver}

Problems
========

Everything is checked when the mapping is read, never per request: every dotted path
is imported, every environment variable read, every provider created, every store
and inbox opened. :func:`receivers_from_mapping` raises :class:`InvalidMapping` (a
``ConfigurationError``) listing every problem found; :func:`check_mapping` returns
them as :class:`ConfigurationProblem` objects. Messages name the mapping, the path and
the option, never a secret's value: not an option's, not an environment variable's,
not a password in a store URL.

``check_mapping`` has no side effects: it does not open stores or inboxes (it checks
that a SQLite file's directory exists and is writable, and parses Redis URLs without
connecting), does not call store or inbox factories, and builds no receiver that
attaches itself to an inbox. Each kind of problem has a stable id, for Django's
system checks (:data:`PROBLEM_IDS`):

======================  =========================================================
``webhook_receiver.E001``  the mapping is not a non-empty mapping
``webhook_receiver.E002``  a path is not a string starting with ``/``
``webhook_receiver.E003``  two paths name the same route (``/a``, ``/a/``, ``//a``)
``webhook_receiver.E004``  a value is not a Receiver, a dotted path or a dict
``webhook_receiver.E005``  a dict has a key this module does not know
``webhook_receiver.E006``  a value has the wrong type or is out of range
``webhook_receiver.E007``  ``provider`` is missing or names no provider
``webhook_receiver.E008``  the provider refused its options
``webhook_receiver.E009``  an environment variable is not set, or is empty
``webhook_receiver.E010``  an option is given both directly and with ``_env``
``webhook_receiver.E011``  a dotted path is malformed or cannot be imported
``webhook_receiver.E012``  an object is not what its key needs
``webhook_receiver.E013``  a store or inbox URL is not one this module reads
``webhook_receiver.E014``  an optional dependency is not installed
``webhook_receiver.E015``  a store or inbox cannot be opened, or its factory failed
``webhook_receiver.E016``  two paths share an inbox under one namespace
======================  =========================================================
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal
from urllib.parse import unquote

# Stores and inboxes by their public names: where their modules live is the package's
# business (importing ``webhook_receiver.config`` has imported the package already).
from . import (
    DEFAULT_LEASE,
    DEFAULT_TTL,
    ConfigurationError,
    MemoryStore,
    Receiver,
    Router,
    SQLiteInbox,
    SQLiteStore,
)
from ._pipeline import canonical_path
from ._schemes import Secret, check_tolerance_option
from .providers import PROVIDERS, Provider, create

__all__ = [
    "DEFAULT_NAME",
    "ENTRY_KEYS",
    "PROBLEM_IDS",
    "ConfigurationProblem",
    "InvalidMapping",
    "check_mapping",
    "import_object",
    "receivers_from_mapping",
]

DEFAULT_NAME: Final = "WEBHOOK_RECEIVER"
"""What messages call the mapping unless told otherwise (Django's setting)."""

ENTRY_KEYS: Final = frozenset(
    {
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
    }
)
"""The keys a dict describing a receiver may have (see the module docstring)."""

E_MAPPING = "webhook_receiver.E001"
E_PATH = "webhook_receiver.E002"
E_DUPLICATE_PATH = "webhook_receiver.E003"
E_ENTRY = "webhook_receiver.E004"
E_UNKNOWN_KEY = "webhook_receiver.E005"
E_VALUE = "webhook_receiver.E006"
E_PROVIDER = "webhook_receiver.E007"
E_PROVIDER_OPTIONS = "webhook_receiver.E008"
E_ENVIRONMENT = "webhook_receiver.E009"
E_BOTH = "webhook_receiver.E010"
E_IMPORT = "webhook_receiver.E011"
E_KIND = "webhook_receiver.E012"
E_URL = "webhook_receiver.E013"
E_DEPENDENCY = "webhook_receiver.E014"
E_OPEN = "webhook_receiver.E015"
E_SHARED_INBOX = "webhook_receiver.E016"

PROBLEM_IDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        E_MAPPING: "the mapping is not a non-empty mapping of URL path -> receiver",
        E_PATH: "a path is not a string starting with '/'",
        E_DUPLICATE_PATH: "two paths name the same route, as the adapters match paths",
        E_ENTRY: "a value is neither a Receiver, a dotted path to one, nor a dict describing one",
        E_UNKNOWN_KEY: "a dict describing a receiver has a key this module does not know",
        E_VALUE: "a value has the wrong type or is out of range",
        E_PROVIDER: "'provider' is missing or names no provider",
        E_PROVIDER_OPTIONS: "the provider refused its options",
        E_ENVIRONMENT: "an environment variable named by an '_env' key is not set, or is empty",
        E_BOTH: "an option is given both directly and with '_env'",
        E_IMPORT: "a dotted path is malformed or cannot be imported",
        E_KIND: "an object is not what its key needs (a Receiver, a callable, a store, an inbox)",
        E_URL: "a store or inbox URL is not one this module reads",
        E_DEPENDENCY: "an optional dependency is not installed",
        E_OPEN: "a store or inbox cannot be opened, or its factory failed",
        E_SHARED_INBOX: "two paths put events in one inbox under one namespace",
    }
)
"""Every problem id, with the kind of problem it stands for. Ids never change meaning."""


def _is_env_item(item: object) -> bool:
    """An ``_env`` list item: a variable name, or ``{"name": VAR, "expires_at": time}``."""
    if isinstance(item, str):
        return bool(item)
    return (
        isinstance(item, Mapping)
        and set(item) == {"name", "expires_at"}
        and isinstance(item["name"], str)
        and bool(item["name"])
    )


@dataclass(frozen=True, slots=True)
class ConfigurationProblem:
    """One problem in a mapping, as :func:`check_mapping` reports it.

    Attributes:
        id: the kind of problem, stable across releases (``"webhook_receiver.E009"``;
            see :data:`PROBLEM_IDS`), for ``django.core.checks.Error(id=...)``.
        path: the URL path whose value has the problem; ``None`` for the mapping as a
            whole. A path that is not a string is shown as its ``repr``.
        option: where in that value: a key (``"provider"``, ``"store"``), or an
            option or a handler pattern inside one (``"options['secret_env']"``,
            ``"handlers['*']"``); ``None`` for the value as a whole.
        message: the whole problem in one sentence, naming the mapping, the path and
            the option; never a secret's value.
        hint: what to do about it, when there is more to say.
    """

    id: str
    path: str | None
    option: str | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} (HINT: {self.hint})"


class InvalidMapping(ConfigurationError):
    """A mapping :func:`receivers_from_mapping` could not turn into receivers.

    A ``ConfigurationError`` (so also a ``ValueError``) whose message lists every
    problem found, one per line; ``problems`` holds them as
    :class:`ConfigurationProblem` objects.
    """

    def __init__(self, name: str, problems: Sequence[ConfigurationProblem]) -> None:
        self.problems: tuple[ConfigurationProblem, ...] = tuple(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            lines = "\n".join(f"- {problem}" for problem in self.problems)
            text = f"{name} has {len(self.problems)} problems:\n{lines}"
        super().__init__(text)


# --- importing -----------------------------------------------------------------------------


def _identifiers(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def _is_dotted(text: str) -> bool:
    """``"pkg.mod.attr"`` (two names at least) or ``"pkg.mod:attr"``, every name an identifier."""
    module, colon, attribute = text.partition(":")
    if colon:
        return _identifiers(module) and _identifiers(attribute)
    return "." in text and _identifiers(text)


def _attribute(value: object, module: str, names: Sequence[str]) -> object:
    for count, name in enumerate(names, 1):
        try:
            value = getattr(value, name)
        except AttributeError:
            raise ImportError(
                f"module {module!r} has no attribute {'.'.join(names[:count])!r}", name=module
            ) from None
    return value


def import_object(dotted: str) -> object:
    """The object a dotted path names: ``"pkg.mod.attr"`` or ``"pkg.mod:attr"``.

    With a colon, the module is what comes before it and the attribute (``"attr"`` or
    ``"Class.attr"``) what comes after. Without one, the longest prefix that is a
    module is imported and the rest are attributes (``"pkg.mod.Class.attr"`` works).
    Only the standard library's ``importlib``: no framework needed.

    Raises:
        ImportError: ``dotted`` is not a dotted path, a module does not exist, or an
            attribute is missing. The message never repeats a string that is not a
            dotted path. Whatever importing the module itself raises propagates.
    """
    if not isinstance(dotted, str) or not _is_dotted(dotted):
        raise ImportError("not a dotted path such as 'myapp.hooks.name' or 'myapp.hooks:name'")
    module_name, colon, attribute = dotted.partition(":")
    if colon:
        return _attribute(importlib.import_module(module_name), module_name, attribute.split("."))
    parts = dotted.split(".")
    missing: ModuleNotFoundError | None = None
    for cut in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:cut])
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only when this module (or a package above it) is the one missing: a
            # module that exists but fails to import one of its own imports says so.
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                missing = missing or exc
                continue
            raise
        try:
            return _attribute(module, name, parts[cut:])
        except ImportError:
            if missing is not None:  # "No module named 'pkg.mod'" says more than "no attribute 'mod'"
                raise missing from None
            raise
    assert missing is not None  # the loop ran at least once, and only a missing module continues
    raise missing


# --- messages ------------------------------------------------------------------------------

_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#]*@")
_QUERY_SECRET = re.compile(r"(?P<head>[?&;][^=&#\s]*(?:pass|secret|token|key|auth)[^=&#\s]*=)[^&#\s]*", re.I)


def _redact(text: str) -> str:
    """``text`` with URL passwords and secret-looking query values replaced by ``***``."""
    return _QUERY_SECRET.sub(r"\g<head>***", _URL_PASSWORD.sub(r"\g<head>***@", text))


def _problem_text(exc: BaseException) -> str:
    """An exception from outside this module, for a message: its type, and its text redacted."""
    text = _redact(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- reading -------------------------------------------------------------------------------

_Kind = Literal["store", "inbox"]
_FAILED: Final = object()
_POSTGRES: Final = ("postgresql", "postgres")
_SCHEMES: Final = {
    "store": ("memory", "sqlite", "redis", "rediss", *_POSTGRES, "django"),
    "inbox": ("sqlite", *_POSTGRES, "django"),
}
_URL_HELP: Final = {
    "store": "'memory', 'sqlite:///absolute/path.db', 'sqlite:relative/path.db', 'redis://host:6379/0', "
    "'postgresql://user@host/db' or 'django'",
    "inbox": "'sqlite:///absolute/path.db', 'sqlite:relative/path.db', 'postgresql://user@host/db' "
    "or 'django'",
}
_BARE_SCHEMES: Final = ("memory", "django")  # URLs that may be the scheme alone
# Imported by name, and only when a mapping asks for Django's database: this module
# imports no framework.
_DJANGO_DB: Final = f"{__package__}.adapters.django.db"
_KIND_METHODS: Final = {"store": ("claim", "complete", "release"), "inbox": ("put", "attach")}
_KIND_TYPE: Final = {"store": "an idempotency store", "inbox": "an inbox"}


def _is_kind(kind: _Kind, value: object) -> bool:
    """Whether ``value`` is a store (or an inbox) object: the methods and ``blocking`` a Receiver uses."""
    return (
        not isinstance(value, type)
        and isinstance(getattr(value, "blocking", None), bool)
        and all(callable(getattr(value, method, None)) for method in _KIND_METHODS[kind])
    )


def _url_scheme(kind: _Kind, text: str) -> str | None:
    """The scheme of a ``kind`` URL this module reads, or ``None`` when ``text`` is not one."""
    scheme, colon, _ = text.partition(":")
    scheme = scheme.lower() if colon or text.lower() in _BARE_SCHEMES else ""
    return scheme if scheme in _SCHEMES[kind] else None


def _sqlite_file(text: str) -> str | None:
    """The file a ``sqlite:`` URL names (absolute), or ``None`` if it is malformed."""
    rest = text.partition(":")[2]
    if "?" in rest or "#" in rest:
        return None
    if rest.startswith("//"):
        authority, _, path = rest[2:].partition("/")
        if authority:
            return None
        path = "/" + path.lstrip("/")  # sqlite:////abs/x.db too
    else:
        path = rest
    path = unquote(path)
    if not path.strip("/") or path in (":memory:", "/:memory:") or "\0" in path:
        return None
    return os.path.abspath(path)


def _sqlite_unusable(path: str) -> str | None:
    """Why a SQLite file cannot be opened (or created) at ``path``, or ``None``; opens nothing."""
    directory = os.path.dirname(path)
    if os.path.isdir(path):
        return f"{path!r} is a directory"
    if not os.path.isdir(directory):
        return f"the directory {directory!r} does not exist"
    if os.path.exists(path):
        if not os.access(path, os.R_OK | os.W_OK):
            return f"{path!r} is not readable and writable"
    elif not os.access(directory, os.W_OK | os.X_OK):
        return f"{path!r} cannot be created: its directory is not writable"
    return None


def _sqlite_key(kind: _Kind, path: str) -> tuple[object, ...]:
    """A SQLite store's (or inbox's) file, however it is spelt."""
    return (f"sqlite {kind}", os.path.realpath(path))


def _identity(value: object) -> tuple[object, ...]:
    """What makes two stores (or inboxes) the same one: the SQLite file, else the object."""
    if isinstance(value, SQLiteStore):
        return _sqlite_key("store", value.path)
    if isinstance(value, SQLiteInbox):
        return _sqlite_key("inbox", value.path)
    django_db = sys.modules.get(_DJANGO_DB)  # not loaded: no object can be one of its classes
    if django_db is not None:
        kinds: tuple[tuple[_Kind, str], ...] = (("store", "DjangoStore"), ("inbox", "DjangoInbox"))
        for kind, name in kinds:
            loaded = sys.modules.get(f"{_DJANGO_DB}.{kind}")
            if loaded is not None and isinstance(value, getattr(loaded, name)):
                return _django_key(kind, str(value.using))
    return ("object", id(value))


def _django_key(kind: _Kind, alias: str) -> tuple[object, ...]:
    """A Django store's (or inbox's) database."""
    return (f"django {kind}", alias)


@dataclass
class _Recipe:
    """What a dict value describes, checked: everything ``Receiver(...)`` and its handlers need."""

    index: int
    path: str
    where: str
    config: Mapping[Any, Any]
    provider: Provider | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    handlers: list[tuple[str, Callable[..., object]]] = field(default_factory=list)
    store: object = None
    inbox: object = None
    inbox_key: tuple[object, ...] | None = None


class _Reader:
    """One reading of a mapping: collects problems, and in build mode opens stores and inboxes."""

    def __init__(
        self, *, name: str, environ: Mapping[str, str], importer: Callable[[str], object], build: bool
    ) -> None:
        self.name = name
        self.environ = environ
        self.importer = importer
        self.build = build
        self._found: list[tuple[int, int, ConfigurationProblem]] = []
        self._index = -1
        # Shared objects, by identity (a SQLite file, a Redis URL, "memory", a dotted path).
        self._shared: dict[tuple[object, ...], object] = {}
        self._opened: list[Any] = []  # created here from URLs: closed if the reading fails
        self._paths: list[str] = []  # the mapping's paths, by index, for messages

    # -- problems --

    @property
    def problems(self) -> list[ConfigurationProblem]:
        """Every problem found, in the mapping's order."""
        return [problem for _, _, problem in sorted(self._found, key=lambda found: found[:2])]

    def report(
        self, kind: str, path: str | None, option: str | None, message: str, hint: str | None = None
    ) -> None:
        self._found.append(
            (self._index, len(self._found), ConfigurationProblem(kind, path, option, message, hint))
        )

    def entry_problem(
        self, recipe: _Recipe, kind: str, option: str | None, detail: str, hint: str | None = None
    ) -> None:
        self.report(kind, recipe.path, option, f"{recipe.where}: {detail}", hint)

    def close_opened(self) -> None:
        """Close the stores and inboxes this reading opened (it failed: nothing will use them)."""
        for value in self._opened:
            with contextlib.suppress(Exception):  # best effort: the reading has failed already
                value.close()
        self._opened.clear()

    # -- the mapping --

    def read(self, mapping: object) -> dict[str, Receiver]:
        """Check (and in build mode, build) every path; receivers only when no problem was found."""
        if not isinstance(mapping, Mapping) or not mapping:
            self.report(
                E_MAPPING,
                None,
                None,
                f"{self.name} must be a non-empty dict of URL path -> receiver "
                f"(got {type(mapping).__name__})",
            )
            return {}
        self._paths = [path if isinstance(path, str) else repr(path) for path in mapping]
        ready: dict[int, Receiver] = {}
        recipes: list[_Recipe] = []
        routes: dict[str, int] = {}  # canonical path -> the index that first named it
        for index, (path, value) in enumerate(mapping.items()):
            self._index = index
            if not isinstance(path, str) or not path.startswith("/"):
                self.report(
                    E_PATH,
                    path if isinstance(path, str) else repr(path),
                    None,
                    f"{self.name}: the path {path!r} must be a string starting with '/'",
                )
                continue
            where = f"{self.name}[{path!r}]"
            receiver: Receiver | None = None
            if isinstance(value, Mapping):
                recipes.append(_Recipe(index, path, where, value))
            else:
                receiver = self._ready(path, where, value)
                if receiver is not None:
                    ready[index] = receiver
                    self._remember(receiver.store)
                    self._remember(receiver.inbox)
            route = canonical_path(path)
            first = routes.setdefault(route, index)
            # As the adapters' RouteTable has it: one receiver under two spellings is fine.
            if first != index and (receiver is None or ready.get(first) is not receiver):
                self.report(
                    E_DUPLICATE_PATH,
                    path,
                    None,
                    f"{self.name}: the paths {self._paths[first]!r} and {path!r} name the same route "
                    f"{route!r}, so one would hide the other",
                    "adapters answer every spelling of a path (a trailing slash, doubled slashes, "
                    "'.' and '..' segments) with its receiver: keep one of them",
                )
        self._resources(recipes)
        for recipe in recipes:
            self._index = recipe.index
            self._recipe(recipe)
        self._index = len(mapping)
        self._shared_inboxes(ready, recipes)
        if self._found or not self.build:
            return {}
        built = {recipe.index: self._receiver(recipe) for recipe in recipes}
        if self._found:
            return {}
        receivers = {**ready, **{index: r for index, r in built.items() if r is not None}}
        paths = list(mapping)
        return {paths[index]: receivers[index] for index in sorted(receivers)}

    def _ready(self, path: str, where: str, value: object) -> Receiver | None:
        """A ready Receiver, given or named by a dotted path."""
        if isinstance(value, Receiver):
            return value
        if not isinstance(value, str):
            self.report(
                E_ENTRY,
                path,
                None,
                f"{where} must be a dotted path to a Receiver or a dict with 'provider' "
                f"(got {type(value).__name__})",
            )
            return None
        found = self._import(path, where, None, "", value, "a Receiver, such as 'myapp.hooks.receiver'")
        if found is _FAILED:
            return None
        if not isinstance(found, Receiver):
            self.report(E_KIND, path, None, f"{where}: {value!r} is a {type(found).__name__}, not a Receiver")
            return None
        return found

    def _import(
        self, path: str, where: str, option: str | None, label: str, dotted: str, what: str
    ) -> object:
        """``importer(dotted)``, or ``_FAILED`` once the problem is reported."""
        prefix = f"{label}: " if label else ""
        if not _is_dotted(dotted):
            # Not echoed: a string that is not a dotted path may be anything, a secret included.
            self.report(
                E_IMPORT,
                path,
                option,
                f"{where}: {prefix}must be a dotted path to {what}",
                "write 'package.module.name' or 'package.module:name'",
            )
            return _FAILED
        try:
            return self.importer(dotted)
        except ImportError as exc:
            detail = _redact(str(exc))
        except Exception as exc:
            detail = f"importing it raised {_problem_text(exc)}"
        self.report(E_IMPORT, path, option, f"{where}: {prefix}cannot import {dotted!r}: {detail}")
        return _FAILED

    # -- stores and inboxes --

    def _remember(self, value: object) -> None:
        """Let paths whose URL names this object's SQLite file (or Django database) share it."""
        key = _identity(value)
        if key[0] != "object":
            self._shared.setdefault(key, value)

    def _resources(self, recipes: Sequence[_Recipe]) -> None:
        """Resolve every ``store`` and ``inbox``: objects and dotted paths first, then URLs.

        So a URL naming the file of a SQLite store or inbox given as an object reuses
        that object, wherever the two appear in the mapping.
        """
        later: list[tuple[_Recipe, _Kind, str, str | None]] = []
        for recipe in recipes:
            self._index = recipe.index
            for kind in ("store", "inbox"):
                spec = self._spec(recipe, kind)
                if spec is None:
                    continue
                value, variable = spec
                # Any scheme this module knows goes to _url, which says why an inbox cannot be in Redis.
                if isinstance(value, str) and (_url_scheme("store", value) is not None or "://" in value):
                    later.append((recipe, kind, value, variable))
                else:
                    self._resolved(recipe, kind, self._object(recipe, kind, value, variable))
        for recipe, kind, value, variable in later:
            self._index = recipe.index
            self._resolved(recipe, kind, self._url(recipe, kind, value, variable))

    @staticmethod
    def _resolved(recipe: _Recipe, kind: _Kind, found: tuple[object, tuple[object, ...]] | None) -> None:
        if found is None:
            return
        value, key = found
        if kind == "store":
            recipe.store = value
        else:
            recipe.inbox, recipe.inbox_key = value, key

    def _spec(self, recipe: _Recipe, kind: _Kind) -> tuple[object, str | None] | None:
        """The ``store``/``inbox`` value and the variable it came from, or ``None`` (none, or a problem)."""
        config, env_key = recipe.config, f"{kind}_env"
        if env_key not in config:
            value = config.get(kind)
            return None if value is None else (value, None)
        if config.get(kind) is not None:
            self.entry_problem(recipe, E_BOTH, env_key, f"give {kind!r} or {env_key!r}, not both")
            return None
        variable = config[env_key]
        if not isinstance(variable, str) or not variable:
            self.entry_problem(
                recipe, E_VALUE, env_key, f"{env_key!r} must name an environment variable (a string)"
            )
            return None
        value = self._env_value(recipe, env_key, repr(env_key), variable)
        return None if value is None else (value, variable)

    def _shared_object(self, key: tuple[object, ...], make: Callable[[], object]) -> object:
        value = self._shared.get(key)
        if value is None:
            value = self._shared[key] = make()
        return value

    def _object(
        self, recipe: _Recipe, kind: _Kind, value: object, variable: str | None
    ) -> tuple[object, tuple[object, ...]] | None:
        """A store/inbox given as an object, a factory, or a dotted path to either."""
        option = f"{kind}_env" if variable else kind
        label = f"'{kind}_env' (the environment variable {variable!r})" if variable else repr(kind)
        what = f"{_KIND_TYPE[kind]} or a factory of one"
        dotted: str | None = None
        if isinstance(value, str):
            if not _is_dotted(value):
                shown = "" if variable else " (it is not shown: it may hold a secret)"
                self.entry_problem(
                    recipe,
                    E_URL,
                    option,
                    f"{label} is neither a URL this module reads nor a dotted path{shown}",
                    f"use {_URL_HELP[kind]}, or a dotted path to {what}",
                )
                return None
            dotted = value
            key: tuple[object, ...] = ("dotted", kind, dotted)
            if key in self._shared:
                found = self._shared[key]
                return found, _identity(found) if _is_kind(kind, found) else key
            value = self._import(recipe.path, recipe.where, option, label, dotted, what)
            if value is _FAILED:
                return None
        if _is_kind(kind, value):
            self._remember(value)
            return value, _identity(value)
        if not callable(value):
            named = f"{dotted!r} is" if dotted else "it is"
            self.entry_problem(
                recipe,
                E_KIND if dotted else E_VALUE,
                option,
                f"{label}: {named} a {type(value).__name__}, not {what}",
                f"give {_KIND_TYPE[kind]} object, a dotted path to one or to a factory, or {_URL_HELP[kind]}",
            )
            return None
        key = ("dotted", kind, dotted) if dotted else ("object", id(value))
        if not self.build:
            return None, key  # factories are not called by checks: they may connect somewhere
        try:
            made = value()
        except Exception as exc:
            self.entry_problem(
                recipe, E_OPEN, option, f"{label}: calling its factory raised {_problem_text(exc)}"
            )
            return None
        if not _is_kind(kind, made):
            self.entry_problem(
                recipe,
                E_KIND,
                option,
                f"{label}: its factory returned a {type(made).__name__}, not {_KIND_TYPE[kind]}",
            )
            return None
        if dotted:
            self._shared[key] = made
        self._remember(made)
        return made, _identity(made)

    def _url(
        self, recipe: _Recipe, kind: _Kind, text: str, variable: str | None
    ) -> tuple[object, tuple[object, ...]] | None:
        """A store/inbox from its URL: shared by every path giving the same one."""
        option = f"{kind}_env" if variable else kind
        label = f"'{kind}_env' (the environment variable {variable!r})" if variable else repr(kind)
        scheme = _url_scheme(kind, text)
        if scheme is None:
            found = _url_scheme("store", text)
            if found is not None:
                problem = f"an inbox cannot be {'in memory' if found == 'memory' else 'in Redis'}"
                hint = (
                    f"use {_URL_HELP['inbox']}, or a CeleryInbox by dotted path; "
                    "an inbox must keep events a worker process can take"
                )
            else:
                shown = text.partition("://")[0]
                shown = repr(shown) if shown.isascii() and shown.isalnum() and len(shown) <= 16 else "this"
                problem, hint = f"{shown} is not a URL scheme this module reads", f"use {_URL_HELP[kind]}"
            self.entry_problem(recipe, E_URL, option, f"{label}: {problem}", hint)
            return None
        if scheme == "memory":
            if text.lower() not in ("memory", "memory:", "memory://"):
                self.entry_problem(recipe, E_URL, option, f"{label}: write 'memory', with nothing after it")
                return None
            return self._shared_object(("memory",), MemoryStore), ("memory",)
        if scheme == "sqlite":
            return self._sqlite(recipe, kind, option, label, text)
        if scheme in _POSTGRES:
            return self._postgres(recipe, kind, option, label, text)
        if scheme == "django":
            return self._django(recipe, kind, option, label, text)
        return self._redis(recipe, option, label, text)

    def _postgres(
        self, recipe: _Recipe, kind: _Kind, option: str, label: str, text: str
    ) -> tuple[object, tuple[object, ...]] | None:
        key: tuple[object, ...] = (f"postgres {kind}", text)
        if key in self._shared:
            return self._shared[key], key
        try:
            # Imported by name, here: only a mapping that asks for PostgreSQL needs psycopg.
            module = importlib.import_module(f"{__package__}.postgres")
        except ImportError as exc:  # MissingDependency, naming the extra to install
            self.entry_problem(recipe, E_DEPENDENCY, option, f"{label}: {exc}")
            return None
        try:
            module.parse_url(text)
        except Exception as exc:
            self.entry_problem(recipe, E_URL, option, f"{label}: not a PostgreSQL URL: {_problem_text(exc)}")
            return None
        if not self.build:
            return None, key  # checking only: no pool, no connection
        cls: Any = module.PostgresStore if kind == "store" else module.PostgresInbox
        # The pool connects in the background: an unreachable server fails requests (503),
        # not the app's start. The tables come from 'webhook-receiver db init'.
        value = cls.from_url(text)
        self._opened.append(value)
        self._shared[key] = value
        return value, key

    def _sqlite(
        self, recipe: _Recipe, kind: _Kind, option: str, label: str, text: str
    ) -> tuple[object, tuple[object, ...]] | None:
        path = _sqlite_file(text)
        if path is None:
            self.entry_problem(
                recipe,
                E_URL,
                option,
                f"{label}: not a SQLite file URL",
                "write 'sqlite:///absolute/path.db' or 'sqlite:relative/path.db' (no host, no query, no "
                ":memory:)",
            )
            return None
        cls: type[SQLiteStore] | type[SQLiteInbox] = SQLiteStore if kind == "store" else SQLiteInbox
        key = _sqlite_key(kind, path)
        if key in self._shared:
            return self._shared[key], key
        unusable = _sqlite_unusable(path)
        if unusable is not None:
            self.entry_problem(recipe, E_OPEN, option, f"{label}: cannot open the SQLite file: {unusable}")
            return None
        if not self.build:
            return None, key
        try:
            value = cls(path)
        except (OSError, sqlite3.Error, ConfigurationError) as exc:
            self.entry_problem(
                recipe, E_OPEN, option, f"{label}: cannot open the SQLite file {path!r}: {_problem_text(exc)}"
            )
            return None
        self._opened.append(value)
        self._shared[key] = value
        return value, key

    def _redis(
        self, recipe: _Recipe, option: str, label: str, text: str
    ) -> tuple[object, tuple[object, ...]] | None:
        key: tuple[object, ...] = ("redis", text)
        if key in self._shared:
            return self._shared[key], key
        try:
            # Imported by name, here: only a mapping that asks for Redis needs it installed.
            module = importlib.import_module(f"{__package__}.redis_store")
        except ImportError as exc:  # MissingDependency, naming the extra to install
            self.entry_problem(recipe, E_DEPENDENCY, option, f"{label}: {exc}")
            return None
        store_class: Any = module.RedisStore
        try:
            value = store_class.from_url(text)  # a client and its pool: nothing connects yet
        except Exception as exc:
            self.entry_problem(recipe, E_URL, option, f"{label}: not a Redis URL: {_problem_text(exc)}")
            return None
        if not self.build:
            value.close()
            return None, key
        self._opened.append(value)
        self._shared[key] = value
        return value, key

    def _django(
        self, recipe: _Recipe, kind: _Kind, option: str, label: str, text: str
    ) -> tuple[object, tuple[object, ...]] | None:
        rest = text.partition(":")[2]
        alias = rest or "default"
        if text.lower() != "django" and (not rest or any(c in rest for c in "/?#@ ")):
            self.entry_problem(
                recipe,
                E_URL,
                option,
                f"{label}: not a Django database",
                "write 'django' (the 'default' database) or 'django:<alias>' (one of settings.DATABASES)",
            )
            return None
        key = _django_key(kind, alias)
        if key in self._shared:
            return self._shared[key], key
        try:
            module = importlib.import_module(_DJANGO_DB)
        except ImportError as exc:  # MissingDependency, naming the extra to install
            self.entry_problem(recipe, E_DEPENDENCY, option, f"{label}: {exc}")
            return None
        problem = module.database_problem(alias)
        if problem is not None:
            self.entry_problem(
                recipe,
                E_OPEN,
                option,
                f"{label}: cannot use Django's database: {problem}",
                f"add {_DJANGO_DB!r} to INSTALLED_APPS, run 'manage.py migrate', and name a database "
                "of settings.DATABASES",
            )
            return None
        if not self.build:
            return None, key
        # Touches no database: the tables are the app's migration's.
        value = module.DjangoStore(using=alias) if kind == "store" else module.DjangoInbox(using=alias)
        self._shared[key] = value
        return value, key

    # -- one dict --

    def _recipe(self, recipe: _Recipe) -> None:
        """Check one dict: keys, provider and options, receiver settings, handlers."""
        config = recipe.config
        for key in config:
            if key not in ENTRY_KEYS:
                self.entry_problem(
                    recipe,
                    E_UNKNOWN_KEY,
                    str(key),
                    f"unknown key {key!r}",
                    f"the keys are {', '.join(sorted(ENTRY_KEYS))}; a provider's options go in 'options'",
                )
        options = self._options(recipe, config.get("options"))
        name = config.get("provider")
        if not isinstance(name, str) or not name:
            self.entry_problem(
                recipe,
                E_PROVIDER,
                "provider",
                "'provider' must name a provider, such as 'courier'",
                f"the providers are {', '.join(sorted(PROVIDERS))}",
            )
        elif name not in PROVIDERS:
            self.entry_problem(
                recipe,
                E_PROVIDER,
                "provider",
                f"unknown provider {name!r}",
                f"the providers are {', '.join(sorted(PROVIDERS))}",
            )
        elif options is not None:
            try:
                recipe.provider = create(name, **options)
            except ConfigurationError as exc:  # the core's messages name options, never values
                self.entry_problem(recipe, E_PROVIDER_OPTIONS, "options", f"'options': {exc}")
            except Exception as exc:  # not expected; its text might show a value, so only its type
                self.entry_problem(
                    recipe,
                    E_PROVIDER_OPTIONS,
                    "options",
                    f"'options': {name} refused them ({type(exc).__name__})",
                )
        self._settings(recipe)
        recipe.handlers = self._handlers(recipe, config.get("handlers"))
        if recipe.provider is not None:
            try:  # as built later, without the store and inbox (a receiver attaches itself to an inbox)
                Receiver(recipe.provider, **recipe.settings)
            except ConfigurationError as exc:
                self.entry_problem(recipe, E_VALUE, None, str(exc))

    def _env_value(self, recipe: _Recipe, option: str, label: str, variable: str) -> str | None:
        """The variable's value; ``None`` (reported) when it is not set or empty. Never shown."""
        value = self.environ.get(variable)
        if value is None or not value.strip():
            state = "not set" if value is None else "empty"
            self.entry_problem(
                recipe,
                E_ENVIRONMENT,
                option,
                f"{label} names the environment variable {variable!r}, which is {state}",
                f"set {variable} in the environment the app starts in",
            )
            return None
        return value

    def _options(self, recipe: _Recipe, raw: object) -> dict[str, Any] | None:
        """The provider's options, ``_env`` ones read; ``None`` when one of them has a problem."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.entry_problem(
                recipe, E_VALUE, "options", f"'options' must be a dict, not {type(raw).__name__}"
            )
            return None
        options: dict[str, Any] = {}
        complete = True
        for key, value in raw.items():
            if not isinstance(key, str):
                self.entry_problem(recipe, E_VALUE, "options", "'options': option names must be strings")
                complete = False
                continue
            option = f"options[{key!r}]"
            if not (key.endswith("_env") and len(key) > len("_env")):
                options[key] = value
                continue
            base = key[: -len("_env")]
            if base in raw:
                self.entry_problem(recipe, E_BOTH, option, f"give {base!r} or {key!r}, not both")
                complete = False
                continue
            found: str | Secret | list[str | Secret] | None
            if isinstance(value, str) and value:
                found = self._env_value(recipe, option, f"option {key!r}", value)
            elif isinstance(value, list | tuple) and value and all(map(_is_env_item, value)):
                # Several variables: several values, as during a secret rotation; an item
                # {"name": VAR, "expires_at": time} is a value that stops verifying then.
                values = [self._env_item(recipe, option, key, item) for item in value]
                found = None if None in values else [v for v in values if v is not None]
            else:
                self.entry_problem(
                    recipe,
                    E_VALUE,
                    option,
                    f"option {key!r} must name an environment variable (a string), or be a list of "
                    "them (each may be {'name': VAR, 'expires_at': time})",
                )
                found = None
            if found is None:
                complete = False
            else:
                options[base] = found
        return options if complete else None

    def _env_item(self, recipe: _Recipe, option: str, key: str, item: object) -> str | Secret | None:
        """One item of an ``_env`` list: a variable's value, or a :class:`Secret` with its expiry."""
        if isinstance(item, str):
            return self._env_value(recipe, option, f"option {key!r}", item)
        assert isinstance(item, Mapping)
        variable = item["name"]
        expires_at = item["expires_at"]
        if isinstance(expires_at, str):
            try:
                expires_at = datetime.fromisoformat(expires_at)
            except ValueError:
                expires_at = None
        try:
            check = Secret("placeholder", expires_at=expires_at)
        except ConfigurationError:
            self.entry_problem(
                recipe,
                E_VALUE,
                option,
                f"option {key!r}: 'expires_at' of {variable!r} must be an ISO 8601 time with its "
                "offset, an aware datetime or unix seconds",
            )
            return None
        value = self._env_value(recipe, option, f"option {key!r}", variable)
        return None if value is None else Secret(value, expires_at=check.expires_at)

    def _settings(self, recipe: _Recipe) -> None:
        """The ``Receiver`` keywords, each checked on its own so its problem names it."""
        config, settings = recipe.config, recipe.settings

        def bad(key: str, detail: str) -> None:
            self.entry_problem(recipe, E_VALUE, key, f"{key!r} {detail}")

        if "max_body_size" in config:
            size = config["max_body_size"]
            if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                bad("max_body_size", "must be a positive whole number of bytes")
            else:
                settings["max_body_size"] = size
        for key in ("methods", "content_types"):
            if key not in config:
                continue
            value = config[key]
            if value is None and key == "content_types":
                settings[key] = None
            elif not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
                bad(
                    key, "must be a list of strings" + (", or None for any" if key == "content_types" else "")
                )
            elif not value and key == "methods":
                bad(key, "must name at least one HTTP method")
            else:
                settings[key] = tuple(value)
        for key in ("lease", "ttl"):
            if key in config:
                try:
                    settings[key] = check_tolerance_option(config[key], key)
                except ConfigurationError:
                    bad(key, "must be a positive, finite number of seconds")
        lease, ttl = settings.get("lease", DEFAULT_LEASE), settings.get("ttl", DEFAULT_TTL)
        if ttl < lease and ("ttl" in settings or "lease" in settings):
            bad("ttl", f"({ttl:g} s) must be at least the lease ({lease:g} s)")
            settings.pop("ttl", None)  # reported: the receiver checked next must not report it again
            settings.pop("lease", None)
        if "namespace" in config:
            namespace = config["namespace"]
            if not isinstance(namespace, str) or not namespace:
                bad("namespace", "must be a non-empty string")
            else:
                settings["namespace"] = namespace
        if "accepted_status" in config:
            status = config["accepted_status"]
            if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status < 300:
                bad("accepted_status", "must be a 2xx status, such as 202")
            else:
                settings["accepted_status"] = status

    def _handlers(self, recipe: _Recipe, raw: object) -> list[tuple[str, Callable[..., object]]]:
        if raw is None:
            return []
        if not isinstance(raw, Mapping):
            self.entry_problem(
                recipe,
                E_VALUE,
                "handlers",
                f"'handlers' must be a dict of event pattern -> handler(s), not {type(raw).__name__}",
            )
            return []
        scratch = Router()  # registering checks each pattern as the receiver will
        found: list[tuple[str, Callable[..., object]]] = []
        for pattern, targets in raw.items():
            if not isinstance(pattern, str) or not pattern:
                self.entry_problem(
                    recipe, E_VALUE, "handlers", "'handlers': handler patterns must be non-empty strings"
                )
                continue
            option, label = f"handlers[{pattern!r}]", f"handler for {pattern!r}"
            for target in targets if isinstance(targets, list | tuple) else [targets]:
                handler: object = target
                if isinstance(target, str):
                    handler = self._import(recipe.path, recipe.where, option, label, target, "a callable")
                    if handler is _FAILED:
                        continue
                    if not callable(handler):
                        self.entry_problem(recipe, E_KIND, option, f"the {label} is not callable")
                        continue
                elif not callable(target):
                    self.entry_problem(
                        recipe,
                        E_VALUE,
                        option,
                        f"the {label} must be a dotted path or a callable (got {type(target).__name__})",
                    )
                    continue
                assert callable(handler)
                try:
                    _register(scratch, pattern, handler)
                except ConfigurationError as exc:
                    self.entry_problem(recipe, E_VALUE, option, f"{label}: {exc}")
                    continue
                found.append((pattern, handler))
        return found

    # -- across paths, and building --

    def _shared_inboxes(self, ready: Mapping[int, Receiver], recipes: Iterable[_Recipe]) -> None:
        """Two receivers putting events in one inbox under one namespace: one would run the other's."""
        users: list[tuple[int, str, tuple[object, ...], str, object]] = []
        paths: dict[int, str] = {}
        for index, receiver in ready.items():
            if receiver.inbox is not None:
                users.append((index, "", _identity(receiver.inbox), receiver.namespace, receiver))
        for recipe in recipes:
            paths[recipe.index] = recipe.path
            if recipe.inbox_key is not None and recipe.provider is not None:
                namespace = recipe.settings.get("namespace") or recipe.provider.name
                users.append((recipe.index, recipe.path, recipe.inbox_key, namespace, recipe))
        first: dict[tuple[tuple[object, ...], str], tuple[int, object]] = {}
        for index, path, key, namespace, owner in sorted(users, key=lambda user: user[0]):
            earlier = first.setdefault((key, namespace), (index, owner))
            if earlier[1] is owner:
                continue
            self._index = index
            where_path = path or self._path_of(index)
            self.report(
                E_SHARED_INBOX,
                where_path,
                "namespace",
                f"{self.name}[{where_path!r}]: puts events in the same inbox as "
                f"{self._path_of(earlier[0])!r} under the same namespace {namespace!r}, so its worker would "
                "run both paths' events with the handlers of only one of them",
                "give each path its own 'namespace', or serve both paths with one Receiver (a dotted path)",
            )

    def _path_of(self, index: int) -> str:
        return self._paths[index]

    def _receiver(self, recipe: _Recipe) -> Receiver | None:
        """The receiver a checked recipe describes, with its store and inbox."""
        assert recipe.provider is not None
        try:
            receiver = Receiver(
                recipe.provider,
                store=recipe.store,  # type: ignore[arg-type]  # checked by _is_kind
                inbox=recipe.inbox,  # type: ignore[arg-type]
                **recipe.settings,
            )
            for pattern, handler in recipe.handlers:
                _register(receiver, pattern, handler)
        except ConfigurationError as exc:
            self._index = recipe.index
            self.entry_problem(recipe, E_VALUE, None, str(exc))
            return None
        return receiver


def _register(router: Router, pattern: str, handler: Callable[..., object]) -> None:
    if pattern == "*":
        router.on_any(handler)
    else:
        router.on(pattern)(handler)


def _read(
    mapping: object,
    *,
    name: str,
    environ: Mapping[str, str],
    importer: Callable[[str], object],
    build: bool,
) -> tuple[dict[str, Receiver], list[ConfigurationProblem]]:
    reader = _Reader(name=name, environ=environ, importer=importer, build=build)
    receivers = reader.read(mapping)
    problems = reader.problems
    if problems:
        reader.close_opened()
    return receivers, problems


def check_mapping(
    mapping: object,
    *,
    name: str = DEFAULT_NAME,
    environ: Mapping[str, str] = os.environ,
    importer: Callable[[str], object] = import_object,
) -> list[ConfigurationProblem]:
    """Every problem in ``mapping`` (see the module docstring), without raising; ``[]`` when none.

    Imports every dotted path, reads every environment variable and creates every
    provider, as :func:`receivers_from_mapping` does, but opens no store or inbox,
    calls no store or inbox factory, and attaches nothing to an inbox: safe to run
    in a process that also serves the receivers (Django runs its checks in
    ``runserver``).

    Args:
        mapping: URL path -> a Receiver, a dotted path to one, or a dict describing one.
        name: what messages call the mapping (``"settings.WEBHOOK_RECEIVER"``).
        environ: where ``_env`` keys read variables.
        importer: turns a dotted path into the object it names; raises ``ImportError``.
    """
    return _read(mapping, name=name, environ=environ, importer=importer, build=False)[1]


def receivers_from_mapping(
    mapping: object,
    *,
    name: str = DEFAULT_NAME,
    environ: Mapping[str, str] = os.environ,
    importer: Callable[[str], object] = import_object,
) -> dict[str, Receiver]:
    """The receivers ``mapping`` describes, by URL path (in the mapping's order, paths as given).

    Everything is checked and opened now: dotted paths imported, environment
    variables read, providers created, stores and inboxes opened (paths naming the
    same one share it), handlers registered. Nothing is left to fail per request.

    Args:
        mapping: URL path -> a Receiver, a dotted path to one, or a dict describing one
            (see the module docstring).
        name: what messages call the mapping (``"settings.WEBHOOK_RECEIVER"``).
        environ: where ``_env`` keys read variables.
        importer: turns a dotted path into the object it names; raises ``ImportError``.

    Raises:
        InvalidMapping: a ``ConfigurationError`` listing every problem found (its
            ``problems``), naming paths and options, never a secret's value. Stores
            and inboxes opened from URLs before the problem was found are closed.
    """
    receivers, problems = _read(mapping, name=name, environ=environ, importer=importer, build=True)
    if problems:
        raise InvalidMapping(name, problems)
    return receivers
