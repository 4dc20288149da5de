"""Text preparation: cleaning (non-answers, duplicates, HTML, PII), spaCy lemmas, clause splitting, caches."""

from .cleaning import TextCleaner

__all__ = ["TextCleaner"]
