"""Bounded caches of per-text results (cleaning, lemmas) shared by the calls of one process.

``fit`` then ``analyze`` of one export clean and lemmatise each distinct text once; a
streamed run caps the caches so memory stays flat whatever the input size.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Iterable, Iterator
from typing import Any


class TextCache:
    """A dict of results by key, emptied when adding would take it past ``limit`` entries."""

    def __init__(self, limit: int):
        self.limit = limit
        self._data: dict[Hashable, Any] = {}

    def __len__(self) -> int:
        return len(self._data)

    def get_many(self, keys: Iterable[Hashable]) -> list:
        """The cached value of each key, None where there is none."""
        get = self._data.get
        return [get(k) for k in keys]

    def put_many(self, items: list[tuple[Hashable, Any]]) -> None:
        """Remember ``(key, value)`` pairs; more at once than the limit are not kept."""
        if len(self._data) + len(items) > self.limit:
            self._data.clear()
        if len(items) <= self.limit:
            self._data.update(items)

    @contextlib.contextmanager
    def limited(self, limit: int) -> Iterator[None]:
        """Within the block, keep at most ``limit`` entries."""
        previous, self.limit = self.limit, limit
        try:
            if len(self._data) > limit:
                self._data.clear()
            yield
        finally:
            self.limit = previous


class LastCall:
    """The result of the last call of a step on a list of texts, under a key (its
    parameters): ``analyze`` cleans, splits and scores the texts ``fit`` just did, so the
    second call answers from here. One entry; it is read once per call, so another thread
    replacing it meanwhile is harmless."""

    def __init__(self):
        self._entry: tuple | None = None

    def peek(self, key: Hashable) -> tuple[Any, Any] | None:
        """``(texts, result)`` of the last call when it had ``key``, else None."""
        entry = self._entry
        return (entry[1], entry[2]) if entry is not None and entry[0] == key else None

    def get(self, key: Hashable, texts: Any) -> Any:
        """The last result when the last call had ``key`` and the same ``texts`` (an object
        array, compared element-wise), else None."""
        last = self.peek(key)
        if last is not None and len(last[0]) == len(texts) and bool((last[0] == texts).all()):
            return last[1]
        return None

    def put(self, key: Hashable, texts: Any, result: Any) -> None:
        self._entry = (key, texts, result)

    def clear(self) -> None:
        self._entry = None


#: Cleaning results (``TextCleaner``) and lemma strings (``lemmatize``) of recent texts,
#: and the duplicate key of recent clean texts (``duplicate_key_strings``).
CLEANED = TextCache(1_000_000)
LEMMAS = TextCache(2_000_000)
KEYS = TextCache(1_000_000)


@contextlib.contextmanager
def limited(limit: int) -> Iterator[None]:
    """Cap every text cache at ``limit`` entries within the block (streamed runs)."""
    with CLEANED.limited(limit), LEMMAS.limited(limit), KEYS.limited(limit):
        yield
