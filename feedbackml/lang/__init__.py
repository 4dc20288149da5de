"""Language data (word lists, phrases, patterns) kept as files, behind one object per language.

``get_language("en")`` reads ``feedbackml/lang/en/`` once and returns a :class:`Language`
whose attributes are what the code needs (non-answers, negations, contrast markers with
their weights, stop words …). Pattern files say in their header which regex dialect they
use (RE2 where Arrow's kernels run them). A new language is a new folder with the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources


def _read(lang: str, name: str) -> str:
    return resources.files(__package__).joinpath(lang, name).read_text("utf-8")


@cache
def load_list(name: str, lang: str = "en") -> tuple[str, ...]:
    """Lines of ``lang/<lang>/<name>.txt`` without comments (``#``) and blanks."""
    lines = (line.split("#", 1)[0].strip() for line in _read(lang, f"{name}.txt").splitlines())
    return tuple(line for line in lines if line)


@cache
def load_table(name: str, lang: str = "en") -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows of ``lang/<lang>/<name>.tsv`` (``#`` starts a comment line)."""
    return tuple(tuple(line.split("\t")) for line in _read(lang, f"{name}.tsv").splitlines()
                 if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class Language:
    """The language data of one language folder; each file is read once, when first used."""

    code: str

    @cached_property
    def nonanswers(self) -> tuple[str, ...]:
        """Whole comments that carry no content ("n/a", "nothing") — ``nonanswers.txt``."""
        return load_list("nonanswers", self.code)

    @cached_property
    def negations(self) -> frozenset[str]:
        """Words that flip what follows and survive stop-word removal — ``negations.txt``."""
        return frozenset(w.lower() for w in load_list("negations", self.code))

    @cached_property
    def contrast(self) -> dict[str, tuple[float, float]]:
        """Contrast marker → (weight of the clause before, weight of the clause it opens) — ``contrast.tsv``."""
        return {" ".join(m.lower().split()): (float(before), float(after))
                for m, before, after, *_ in load_table("contrast", self.code)}

    @cached_property
    def stop_words(self) -> tuple[str, ...]:
        """Words left out of theme vectors and labels — ``stop_words.txt``."""
        return tuple(sorted(set(load_list("stop_words", self.code)) - self.negations))

    @cached_property
    def label_fillers(self) -> tuple[str, ...]:
        """Intensifiers and fillers that never make a theme label on their own — ``label_fillers.txt``."""
        return load_list("label_fillers", self.code)

    @cached_property
    def theme_breaks(self) -> tuple[str, ...]:
        """Joining words a clause is split at to find every theme it mentions — ``theme_breaks.txt``."""
        return load_list("theme_breaks", self.code)

    @cached_property
    def pii(self) -> tuple[tuple[str, str, str, str], ...]:
        """(placeholder, RE2 pattern, replacement, check) of the personal data redacted — ``pii.tsv``;
        ``check`` names a checksum the match must pass (see :mod:`feedbackml.text.pii`), or is empty."""
        return tuple((name, pattern, replacement, (rest[0] if rest else "").strip())
                     for name, pattern, replacement, *rest in load_table("pii", self.code))

    @cached_property
    def sentiment_labels(self) -> dict[str, str]:
        """Spellings of sentiment labels → negative / neutral / positive — ``sentiment_labels.tsv``."""
        return {k.strip().lower(): v for k, v, *_ in load_table("sentiment_labels", self.code)}

    def words(self, name: str) -> tuple[str, ...]:
        """The lines of another ``<name>.txt`` of this language (word lists of one component)."""
        return load_list(name, self.code)

    def table(self, name: str) -> tuple[tuple[str, ...], ...]:
        """The rows of another ``<name>.tsv`` of this language (the sentiment lexicon's files)."""
        return load_table(name, self.code)


@cache
def get_language(code: str = "en") -> Language:
    """The :class:`Language` of ``code`` (one object per language, its files read once)."""
    return Language(code)
