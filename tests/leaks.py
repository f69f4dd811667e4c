"""How much memory a loop of calls keeps: the compiled code's reference-leak checks."""

from __future__ import annotations

import gc
import logging
import tracemalloc
from collections.abc import Callable


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
