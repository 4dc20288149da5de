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
