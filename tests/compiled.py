"""What the compiled path's tests share: the module-level requirement, and the leak check."""

from __future__ import annotations

import gc
import logging
import os
import tracemalloc
from collections.abc import Callable

import pytest

from webhook_receiver import _accel


def require_compiled() -> None:
    """Skip the calling test module when ``webhook_receiver._speedups`` is not built or is
    switched off; fail it instead when ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1`` (``.ci/run``)
    and the extension is missing rather than switched off."""
    if _accel.compiled is not None:
        return
    switched_off = os.environ.get(_accel.PURE_PYTHON_VARIABLE, "") not in ("", "0")
    if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS") == "1" and not switched_off:
        pytest.fail(
            "webhook_receiver._speedups is required (WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1) but not built",
            pytrace=False,
        )
    pytest.skip(
        "webhook_receiver._speedups is not built (no C compiler at install) or "
        "WEBHOOK_RECEIVER_PURE_PYTHON is set",
        allow_module_level=True,
    )


def bytes_kept(run: Callable[[int], None], *, warmup: int = 200, times: int = 3000) -> int:
    """The bytes still allocated after ``run(times)`` that were not before it (after
    ``run(warmup)`` filled every cache): a leaked object per call shows as hundreds of KiB."""
    run(warmup)
    gc.collect()
    # pytest keeps every log record (the refusals' warnings): not ours to count
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run(times)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
