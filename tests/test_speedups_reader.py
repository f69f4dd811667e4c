"""The compiled ``Reader`` (``_speedups.Reader``) reads what the Python one reads.

Every provider's event function reads its fields through ``_events.Reader``; with the
compiled path that name is the C type, which serves the usual value (a field of an exact
dict that is absent, null or of the exact expected type) itself and hands any other to
the Python Reader (``_events.PythonReader``) over the same object, with the same name.
The property: for any object, name and sequence of reads (children included), both give
the same values (the very same objects where a value is passed through) and the same
``PayloadError`` messages.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from tests.compiled import bytes_kept, require_compiled
from tests.test_event_readers import DictSub, StrSub, any_value
from webhook_receiver import PayloadError, _accel
from webhook_receiver._events import PythonReader, Reader

require_compiled()

METHODS = ("text", "required_text", "kind", "integer", "boolean", "time", "mapping", "raw", "child")
KEYS = ("a", "b", "c")


def test_the_events_module_reads_through_the_compiled_reader() -> None:
    assert _accel.compiled is not None
    assert Reader is _accel.compiled.Reader
    assert PythonReader is not Reader


def same(fast: object, slow: object) -> bool:
    """The same object, or equal values of the same type (a new ``{}`` or a parsed time)."""
    if fast is slow:
        return True
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, float) and math.isnan(fast):
        return isinstance(slow, float) and math.isnan(slow)
    return bool(fast == slow)


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return ("value", call())
    except PayloadError as error:
        return ("error", str(error))


def assert_same_read(fast_reader: Any, slow_reader: Any, method: str, key: Any) -> tuple[Any, Any]:
    """Read ``key`` with ``method`` from both; return both results (readers for ``child``
    and ``element``: the field's first element if it is a non-empty array, else the field
    itself, as element 3)."""
    if method == "element":
        found = slow_reader.data.get(key) if isinstance(slow_reader.data, dict) else None
        value = found[0] if isinstance(found, list) and found else found
        fast = outcome(lambda: fast_reader.element(value, key, 3))
        slow = outcome(lambda: slow_reader.element(value, key, 3))
    else:
        fast = outcome(lambda: getattr(fast_reader, method)(key))
        slow = outcome(lambda: getattr(slow_reader, method)(key))
    if currently_in_test_context():
        event(f"{method}: {slow[0]}")
    assert fast[0] == slow[0], (method, key, fast, slow)
    if fast[0] == "error":
        assert fast[1] == slow[1]
        return None, None
    if method in ("child", "element"):
        assert type(fast[1]) is Reader and type(slow[1]) is PythonReader
        assert fast[1].where == slow[1].where
        assert same(fast[1].data, slow[1].data)
    else:
        assert same(fast[1], slow[1]), (method, key, fast, slow)
        if method in ("raw", "mapping") and slow[1] is fast_reader.data.get(key):
            assert fast[1] is slow[1]  # a value passed through is the object itself
    return fast[1], slow[1]


objects = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), any_value, max_size=3),
    st.dictionaries(
        st.sampled_from(KEYS),
        st.dictionaries(st.sampled_from(KEYS), any_value, max_size=3),
        max_size=3,
    ),
    st.dictionaries(st.sampled_from(KEYS), any_value, max_size=3).map(DictSub),
    any_value,
)
names = st.sampled_from(["body", "body.data", "", "payload[2].entry"])
reads = st.lists(
    st.tuples(st.sampled_from((*METHODS, "element")), st.one_of(st.sampled_from(KEYS), st.just("z"))),
    max_size=8,
)


@settings(max_examples=1500, deadline=None)
@given(
    data=objects,
    where=names,
    index=st.one_of(st.none(), st.integers(0, 99)),
    by_keyword=st.booleans(),
    steps=reads,
)
def test_whatever_is_read_the_compiled_reader_reads_as_python(
    data: Any, where: str, index: int | None, by_keyword: bool, steps: list[tuple[str, str]]
) -> None:
    def make(cls: Any) -> Any:
        return cls(data, where, index=index) if by_keyword else cls(data, where, index)

    fast = outcome(lambda: make(Reader))
    slow = outcome(lambda: make(PythonReader))
    assert fast[0] == slow[0] and (fast[0] == "value" or fast[1] == slow[1]), (fast, slow)
    if fast[0] == "error":
        return
    fast_reader, slow_reader = fast[1], slow[1]
    assert fast_reader.data is slow_reader.data is data
    assert fast_reader.where == slow_reader.where
    for method, key in steps:
        got, expected = assert_same_read(fast_reader, slow_reader, method, key)
        if method in ("child", "element") and got is not None:
            fast_reader, slow_reader = got, expected


VALUES = [
    *(None, True, False, 0, 1, -5, 10**20, 1706160867, 1706160867000, 1.5, -0.0, math.nan, math.inf),
    *("", "x", "1706160867", " 1706160867 ", "2024-01-25T05:34:27.000Z", "2024-13-01", "notatime"),
    *([], [1], {}, {"a": 1}, DictSub(), DictSub(a=1), StrSub(""), StrSub("x"), StrSub("2024-01-25")),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("container", [dict, DictSub])
def test_every_kind_of_value_is_read_as_python_reads_it(method: str, container: type) -> None:
    """Each read of each kind of JSON value (and the subclasses a caller may pass), present,
    absent, in a plain dict and in a dict subclass: a table, beside the random property."""
    for value in VALUES:
        data = container(a=value)
        assert_same_read(Reader(data, "body"), PythonReader(data, "body"), method, "a")
        assert_same_read(Reader(data, "body", 7), PythonReader(data, "body", 7), method, "absent")


def test_a_bad_field_deep_in_children_is_named_as_python_names_it() -> None:
    data = {"a": {"b": {"c": [1], "when": "not a time", "n": True, "s": StrSub("x")}}}
    for cls in (Reader, PythonReader):
        leaf = cls(data, "body", 4).child("a").child("b")
        assert leaf.where == "body[4].a.b"
        with pytest.raises(PayloadError, match=r"^body\[4\]\.a\.b\.c must be a string, not an array$"):
            leaf.text("c")
        with pytest.raises(PayloadError, match=r"^body\[4\]\.a\.b\.when must be a time"):
            leaf.time("when")
        with pytest.raises(PayloadError, match=r"^body\[4\]\.a\.b\.n must be an integer"):
            leaf.integer("n")
        with pytest.raises(PayloadError, match=r"^body\[4\]\.a\.b\.c must be an object"):
            leaf.child("c")
        assert type(leaf.text("s")) is StrSub
    with pytest.raises(PayloadError, match=r"^body\[4\] must be a JSON object, not an array$"):
        Reader([], "body", 4)


def test_it_is_made_with_the_python_readers_arguments() -> None:
    """Positional, by keyword or mixed, as the Python class takes them; the same refusals."""
    data = {"a": {"b": 1}}
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((data, "body"), {}),
        ((data, "body", 2), {}),
        ((data, "body"), {"index": 2}),
        ((data,), {"where": "body"}),
        ((), {"data": data, "where": "body", "index": None}),
        (([], "body"), {"index": 3}),
    ]
    for args, kwargs in calls:
        fast = outcome(lambda args=args, kwargs=kwargs: Reader(*args, **kwargs))
        slow = outcome(lambda args=args, kwargs=kwargs: PythonReader(*args, **kwargs))
        assert fast[0] == slow[0]
        if fast[0] == "error":
            assert fast[1] == slow[1]
        else:
            assert (fast[1].where, fast[1].data) == (slow[1].where, slow[1].data)
    for args, kwargs in [((data,), {}), ((data, "body", 1, 2), {}), ((data, "body"), {"nope": 1})]:
        for cls in (Reader, PythonReader):
            with pytest.raises(TypeError):
                cls(*args, **kwargs)


def test_the_usual_values_are_served_without_the_python_reader() -> None:
    """The compiled reader calls the Python one only for an unusual value: a subclass of
    it that counts its constructions never sees the usual reads."""
    made: list[object] = []

    class Counting(PythonReader):
        __slots__ = ()

        def __init__(self, data: Any, where: str, index: int | None = None) -> None:
            made.append(data)
            super().__init__(data, where, index)

    compiled = _accel.compiled
    assert compiled is not None
    from webhook_receiver._events import to_datetime

    compiled.configure_reader(Counting, to_datetime)
    try:
        reader = Reader({"s": "x", "n": 3, "b": False, "t": 1706160867, "m": {}, "k": "kind"}, "body")
        reads = [reader.text("s"), reader.integer("n"), reader.boolean("b"), reader.time("t")]
        reads += [reader.mapping("m"), reader.child("m").data, reader.kind("k"), reader.raw("s")]
        reads += [reader.text("absent"), reader.mapping("absent"), reader.required_text("s")]
        reads += [reader.text("n")]  # a number as text (ids often are): str(3), in C too
        assert reads[-1] == "3"
        assert made == []
        with pytest.raises(PayloadError, match=r"^body\.s must be an integer, not a string$"):
            reader.integer("s")
        assert made == [reader.data]
    finally:
        compiled.configure_reader(PythonReader, to_datetime)


def test_no_reference_is_leaked() -> None:
    data = {"a": {"b": "x", "n": 1.5}, "t": "2024-01-25T05:34:27Z", "bad": [1]}

    def run(times: int) -> None:
        for _ in range(times):
            reader = Reader(data, "body", 3)
            child = reader.child("a")
            child.text("b"), child.text("n"), reader.time("t"), reader.mapping("absent")
            for method in ("text", "child", "integer"):
                with contextlib.suppress(PayloadError):
                    getattr(child if method == "text" else reader, method)("bad")
            with contextlib.suppress(PayloadError):
                Reader([], "body", 1)

    assert bytes_kept(run) < 64 * 1024
