"""Write an analysis folder as a whole: all old or all new.

Everything is written into a temporary folder next to ``--out`` (same file system), which
then replaces ``--out`` in one rename: a failure at any point — a full disk, SIGINT or
SIGTERM, an exception in any writer — leaves the previous analysis as it was and removes
the temporary folder. A lock file next to ``--out`` keeps a second run from writing the
same folder (it exits with a clear message); temporary folders that a killed run left
are removed by the next run. ``summary.json`` lists the files the analysis wrote
(``files``), and :meth:`Results.from_folder` (``feedbackml report``) reads exactly those.
Files in ``--out`` that no analysis wrote (an analyst's notes) are carried over; an
``--out`` that holds the input, or that has files but no ``summary.json``, is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import glob
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FeedbackMLError, UsageError
from ..io import write as fio

if TYPE_CHECKING:
    from ..results import Results

#: Files an analysis folder of any version may hold (a folder of an older version has no
#: ``files`` list in summary.json): anything else in the folder is the analyst's and is kept.
KNOWN_OUTPUTS = frozenset({
    "comments.parquet", "comments.csv", "rejects.csv", "themes.csv", "drivers.csv", "summary.json",
    "report.html", "results.xlsx", "mentions.parquet", "groups.csv", "aspect_drivers.csv",
    "theme_segments.csv", "segments.csv", "trends.csv", "decomposition.csv", "quotes.csv"})
_TMP, _OLD, _LOCK = ".feedbackml-tmp-", ".feedbackml-old-", ".feedbackml-lock"


class Interrupted(FeedbackMLError):
    """A signal stopped the run; the output folder was left as it was."""


def _hidden(out: Path, kind: str) -> str:
    return f".{out.name}{kind}"


@contextlib.contextmanager
def folder_lock(out: str | os.PathLike) -> Iterator[Path]:
    """Hold the lock of output folder ``out`` (a file next to it), or raise at once when another
    run holds it. The lock file is removed on release."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / _hidden(out, _LOCK)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise FeedbackMLError(f"another feedbackml run (pid {holder}) is writing {out}",
                                  hint="wait for it to finish, or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the file was removed by the run that held it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def recorded_files(folder: Path) -> set[str] | None:
    """The files summary.json says the analysis wrote (None: not an analysis folder)."""
    summary = folder / "summary.json"
    if not summary.is_file():
        return None
    try:
        files = json.loads(summary.read_text("utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return set(KNOWN_OUTPUTS)
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return set(KNOWN_OUTPUTS)
    return set(files)


def check_out(out: Path, inputs: Iterable[str | os.PathLike] = ()) -> None:
    """Refuse an ``out`` that holds an input, or that is a non-empty folder not written by us."""
    target = out.resolve()
    for source in inputs:
        if str(source) == "-":
            continue
        for path in map(Path, glob.glob(str(source)) or [source]):
            if path.resolve().is_relative_to(target):
                raise UsageError(f"--out {out} holds the input {path}: the analysis would replace its own input",
                                 hint="choose another --out folder")
    if out.is_file():
        raise UsageError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and recorded_files(out) is None:
        raise UsageError(f"--out {out} is not an analysis folder (it has files and no summary.json): "
                         "it would be replaced", hint="choose an empty or new --out folder")


def _remove_stale(out: Path) -> None:
    """Temporary folders of runs that were killed (we hold the lock, so none is running)."""
    old = sorted(out.parent.glob(glob.escape(_hidden(out, _OLD)) + "*"))
    if old and not out.exists():  # killed between the two renames of a swap: put it back
        os.rename(old.pop(), out)
    for path in old + sorted(out.parent.glob(glob.escape(_hidden(out, _TMP)) + "*")):
        shutil.rmtree(path, ignore_errors=True)


def _carry_over(out: Path, tmp: Path) -> None:
    """Copy into the new folder what the old one holds that no analysis wrote (the analyst's files)."""
    recorded = recorded_files(out) if out.is_dir() else None
    if recorded is None:
        return
    for entry in sorted(out.iterdir()):
        if entry.name in recorded or entry.name in KNOWN_OUTPUTS or (tmp / entry.name).exists():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, tmp / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, tmp / entry.name, follow_symlinks=False)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in place of ``out``; the old folder ends up at ``tmp`` (removed by the caller)."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        return
    old = out.parent / f"{_hidden(out, _OLD)}{os.getpid()}"
    os.rename(out, old)
    os.rename(tmp, out)
    os.rename(old, tmp)


class _Signals:
    """While a folder is staged, SIGINT raises KeyboardInterrupt and SIGTERM/SIGHUP raise
    :class:`Interrupted` in the main thread, so the temporary folder is cleaned up; while the
    folder is being swapped in and cleaned up a signal waits (``deferred``) until that is done."""

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self):
        self.deferring, self.pending, self.previous = False, None, {}

    def handler(self, signum, frame):
        if self.deferring:
            self.pending = signum
            return
        self.raise_for(signum)

    @staticmethod
    def raise_for(signum):
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Interrupted(f"stopped by {signal.Signals(signum).name}")

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for name in self.NAMES:
                number = getattr(signal, name)
                self.previous[number] = signal.signal(number, self.handler)
        return self

    def __exit__(self, *exc):
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        if self.pending is not None and exc[0] is None:
            self.raise_for(self.pending)
        return False


_ACTIVE: set[Path] = set()


@contextlib.contextmanager
def staged_folder(out: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> Iterator[Path]:
    """Yield an empty temporary folder next to ``out``; when the block succeeds, the files it
    wrote are recorded in its summary.json and it replaces ``out`` in one rename; otherwise
    (any exception, SIGINT, SIGTERM) it is removed and ``out`` keeps the previous analysis.

    Holds ``out``'s lock throughout and first removes temporary folders that killed runs
    left. Inside the block, a nested ``staged_folder`` of the yielded folder yields it
    as it is (so a job and the functions it calls stage once).
    """
    if Path(out).absolute() in _ACTIVE:
        yield Path(out).absolute()
        return
    out = Path(out).absolute()
    check_out(out, inputs)
    with folder_lock(out), _Signals() as signals:
        _remove_stale(out)
        tmp = Path(tempfile.mkdtemp(prefix=f"{_hidden(out, _TMP)}{os.getpid()}-", dir=out.parent))
        _ACTIVE.add(tmp)
        try:
            os.chmod(tmp, 0o777 & ~fio._umask())  # mkdtemp makes 0700; outputs are meant to be shared
            try:
                yield tmp
            except OSError as exc:
                raise _write_error(exc, tmp, out) from None
            signals.deferring = True
            record_files(tmp)
            _carry_over(out, tmp)
            _swap(tmp, out)
        finally:
            signals.deferring = True
            _ACTIVE.discard(tmp)
            shutil.rmtree(tmp, ignore_errors=True)


def _write_error(exc: OSError, tmp: Path, out: Path) -> Exception:
    """An OSError while writing the staged folder, naming the file as it would have been in ``out``."""
    name = str(exc.filename) if exc.filename is not None else None
    if name is not None and name.startswith(str(tmp)):
        target = str(out) + name[len(str(tmp)):]
    elif name is None and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        target = str(out)
    else:
        return exc
    return FeedbackMLError(f"cannot write {target}: {exc.strerror or exc}; {out} keeps the previous analysis")


def record_files(folder: Path, added: Iterable[str] | None = None) -> list[str]:
    """List the files of an analysis folder in its summary.json (``files``), which
    ``feedbackml report`` reads exactly: every file of a staged folder, or the recorded
    ones plus ``added`` (a workbook that ``report --xlsx`` wrote)."""
    if added is None:
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    else:
        names = sorted((recorded_files(folder) or set()) | set(added))
    path = folder / "summary.json"
    if path.is_file():
        summary = json.loads(path.read_text("utf-8"))
        summary["files"] = names
        fio.write_json(path, summary)
    return names


def write_folder(results: Results, path: str | Path, *, csv: bool = True, comments: bool = True,
                 html: str | None = None) -> Path:
    """Write the output-folder contract (each file replaced atomically) and return the folder.

    ``comments=False`` leaves out ``comments.*`` and ``rejects.csv`` (a streamed run
    writes those chunk by chunk); ``html`` is the rendered report, written last.
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    if comments:
        def write_csv():
            with fio.atomic_path(out / "comments.csv") as tmp, open(tmp, "wb") as fh:
                fio.write_comments_csv(fh, results.comments)

        with ThreadPoolExecutor(2) as pool:  # pyarrow's writers release the GIL
            jobs = [pool.submit(fio.write_parquet, out / "comments.parquet", results.comments)]
            jobs += [pool.submit(write_csv)] if csv else []
        for job in jobs:
            job.result()  # raise what a writer raised
        fio.write_csv(out / "rejects.csv", results.rejects)
        from .writers import write_mentions

        write_mentions(out / "mentions.parquet", results.mentions)
    fio.write_csv(out / "themes.csv", results.themes)
    fio.write_csv(out / "drivers.csv", results.drivers)
    for name, table in results.extra.items():
        fio.write_csv(out / f"{name}.csv", table)
    fio.write_json(out / "summary.json", results.summary)
    if html is not None:
        write_report(out / "report.html", html)
    return out


def write_report(path: str | Path, html: str) -> Path:
    """Write a rendered report atomically."""
    fio.write_text(path, html)
    return Path(path)
