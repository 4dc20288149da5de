"""Helpers shared by the benchmark scripts: realistic data, timing, peak memory."""

from __future__ import annotations

import importlib.util
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def load_generator():
    """The bundled sample's generator (``data/make_sample.py``) as a module."""
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "data" / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module
    spec.loader.exec_module(module)
    return module


def make_csv(path: Path, n_rows: int, seed: int = 1) -> Path:
    """Write ``n_rows`` realistic survey rows to ``path`` (reused when already there)."""
    if not path.exists():
        gen = load_generator()
        gen.write_csv(gen.iter_rows(n_rows, seed), path)
    return path


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux: ``VmHWM`` of ``/proc/self/status``, the peak of this program's own memory.
    (``getrusage``'s ``ru_maxrss`` starts at the parent's size at ``fork``, so a child
    of a big benchmark driver would report the driver's memory.)
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)
