"""Arrow's compute kernels release the GIL: run them over slices of an array in threads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

#: Below this many values one thread does it (starting threads costs more than it saves).
MIN_SLICE = 20_000


def map_slices(func: Callable[[pa.Array], pa.Array], arr: pa.Array) -> pa.Array:
    """``func(arr)``, computed on contiguous slices at once and concatenated in order.

    ``func`` must treat values independently (string kernels, regexes), so the result is
    the same whatever the slicing. Uses pyarrow's CPU thread count (``pa.cpu_count()``,
    which follows ``OMP_NUM_THREADS``).
    """
    n = min(pa.cpu_count(), len(arr) // MIN_SLICE)
    if n < 2:
        return func(arr)
    bounds = [len(arr) * i // n for i in range(n + 1)]
    with ThreadPoolExecutor(n) as pool:
        parts = list(pool.map(func, [arr.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])]))
    return pa.concat_arrays(parts)
