from collections.abc import Callable
from typing import Any

class Verifier:
    def __init__(
        self,
        kind: int,
        fallback: Callable[[Any, Any, float], Any],
        pads: tuple[tuple[Any, Any], ...],
        expires: tuple[float, ...] | None,
        digest_size: int,
        tolerance: float,
        seconds_below: float,
        verified_type: type,
        nothing_signed: object,
        headers_type: type,
        compare_digest: Callable[[bytes, bytes], bool],
        header: str | None = None,
        timestamp_header: str | None = None,
        timestamp_label: str | None = None,
        entry_label: str | None = None,
        entry_separator: str | None = None,
        separator: bytes | None = None,
        prefix: str | None = None,
        base64: bool = False,
        before_parts: tuple[bytes, ...] | None = None,
        after_parts: tuple[bytes, ...] | None = None,
        field_headers: tuple[str, ...] | None = None,
        before_slots: tuple[int, ...] | None = None,
        after_slots: tuple[int, ...] | None = None,
        message_id_slot: int = -1,
    ) -> None: ...
    def __call__(self, headers: Any, body: Any, now: float) -> Any: ...
    def try_fast(self, headers: Any, body: Any, now: float) -> Any: ...

class Prechecker:
    def __init__(
        self,
        receiver: object,
        methods: tuple[str, ...],
        accepted: frozenset[str] | None,
        max_body_size: int,
        headers_type: type,
    ) -> None: ...
    def __call__(self, method: str, headers: Any) -> Any: ...

class JsonDecoder:
    def __init__(
        self,
        loads: Callable[[bytes], Any] | None,
        fallback: Callable[[Any], Any],
        depth: int,
        digits: int,
        largest: int,
    ) -> None: ...
    def __call__(self, body: Any) -> Any: ...

class TimeConverter:
    def __init__(
        self, fallback: Callable[[Any], Any], read_text: bool = False, rfc3339: bool = False
    ) -> None: ...
    def __call__(self, value: Any) -> Any: ...

class EventBuilder:
    def __init__(
        self,
        fallback: Callable[..., Any],
        kind_key: str,
        shapes: dict[str, tuple[type, tuple[tuple[str, int, object, object], ...]]],
        default: tuple[type, tuple[tuple[str, int, object, object], ...]] | None = None,
    ) -> None: ...
    def __call__(self, payload: Any, *args: Any) -> Any: ...
    def try_fast(self, payload: Any) -> Any: ...
    def each(self, items: list[Any], where: str) -> list[Any]: ...

def json_fits(body: bytes, depth: int, digits: int) -> bool: ...

class RecordMaker:
    def __init__(
        self, cls: type, fields: tuple[tuple[str, bool, int, object], ...], fallback: Callable[..., Any]
    ) -> None: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

class Reader:
    def __init__(self, data: Any, where: str, index: int | None = None) -> None: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def where(self) -> str: ...
    def text(self, key: str) -> str | None: ...
    def required_text(self, key: str) -> str: ...
    def kind(self, key: str) -> str: ...
    def integer(self, key: str) -> int | None: ...
    def boolean(self, key: str) -> bool | None: ...
    def time(self, key: str) -> Any: ...
    def mapping(self, key: str) -> dict[str, Any]: ...
    def child(self, key: str) -> Reader: ...
    def element(self, value: Any, key: str, index: int) -> Reader: ...
    def raw(self, key: str) -> Any: ...

def configure_reader(python_reader: type, to_datetime: Callable[[object], Any]) -> None: ...
