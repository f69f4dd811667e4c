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

class TimeConverter:
    def __init__(self, fallback: Callable[[Any], Any], read_text: bool = False) -> None: ...
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
