"""Codeframe: the analyst's file of theme names, seed keywords, merges and excluded terms.

A codeframe is a TOML file (``themes.toml``)::

    n_themes = 7                       # total number of themes, or "auto"
    exclude = ["thanks", "please"]     # words never used for themes or labels

    [[themes]]
    id = 0
    name = "Delivery"
    seeds = ["late delivery", "courier", "parcel"]

    [[themes]]
    id = 1
    name = "Billing"
    seeds = ["charge", "refund", "invoice"]
    merge = [4]                        # theme 4 is folded into this one

Seeds start a theme's centre and keep it there, so a seeded theme always exists; ``merge``
folds other entries' themes into this one; ``name`` replaces the automatic label.
``feedbackml fit`` writes the codeframe it ended with next to the model, one entry per
theme; editing that file and fitting again with ``--codeframe`` reproduces the choices.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError

CODEFRAME_FILE = "themes.toml"


@dataclass(frozen=True)
class CodeframeTheme:
    """One entry: ``id`` (None = next free), ``name`` (None = automatic label), ``seeds``,
    ``merge`` (ids of entries folded into this one) and ``note`` (written as a comment)."""

    id: int | None
    seeds: tuple[str, ...]
    name: str | None = None
    merge: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Codeframe:
    """Themes to seed, name and merge, words to exclude and the total number of themes."""

    themes: tuple[CodeframeTheme, ...] = ()
    exclude: tuple[str, ...] = ()
    n_themes: int | str | None = None
    source: str = field(default="", compare=False)

    @property
    def merged_into(self) -> dict[int, int]:
        """Entry id → id of the theme it is merged into."""
        return {m: t.id for t in self.themes for m in t.merge}


def read_codeframe(path: str | Path) -> Codeframe:
    """Read and validate a codeframe file; problems raise :class:`UsageError` naming the file."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"codeframe file {file} does not exist")
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: not a valid TOML file ({exc})") from None
    return parse_codeframe(data, str(file))


def parse_codeframe(data: dict, source: str = "codeframe") -> Codeframe:
    """Build a :class:`Codeframe` from parsed TOML, assigning missing ids and checking merges."""
    def fail(message: str):
        raise UsageError(f"{source}: {message}", hint="see the Themes section of the README for the format")

    unknown = set(data) - {"n_themes", "exclude", "themes"}
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))} (expected n_themes, exclude, [[themes]])")
    n_themes = data.get("n_themes")
    if n_themes is not None and n_themes != "auto" and not (isinstance(n_themes, int) and n_themes >= 1):
        fail(f"n_themes must be 'auto' or a positive whole number, not {n_themes!r}")
    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(w, str) for w in exclude):
        fail("exclude must be a list of words")
    entries = data.get("themes", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        fail("themes must be an array of tables ([[themes]])")
    themes: list[CodeframeTheme] = []
    given = [e["id"] for e in entries if "id" in e]
    for value in given:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            fail(f"theme id must be a whole number ≥ 0, not {value!r}")
    if len(set(given)) != len(given):
        fail("theme ids must be unique")
    next_id = max(given, default=-1) + 1
    for i, entry in enumerate(entries, start=1):
        bad = set(entry) - {"id", "name", "seeds", "merge"}
        if bad:
            fail(f"theme #{i}: unknown key(s) {', '.join(sorted(bad))} (expected id, name, seeds, merge)")
        seeds = entry.get("seeds")
        if (not isinstance(seeds, list) or not seeds
                or not all(isinstance(s, str) and s.strip() for s in seeds)):
            fail(f"theme #{i}: seeds must be a non-empty list of words or phrases")
        name = entry.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            fail(f"theme #{i}: name must be a non-empty string")
        merge = entry.get("merge", [])
        if not isinstance(merge, list) or not all(type(m) is int for m in merge):
            fail(f"theme #{i}: merge must be a list of theme ids")
        if "id" in entry:
            theme_id = entry["id"]
        else:
            theme_id, next_id = next_id, next_id + 1
        themes.append(CodeframeTheme(theme_id, tuple(s.strip() for s in seeds),
                                     name.strip() if name else None, tuple(merge)))
    ids = {t.id for t in themes}
    targets: dict[int, int] = {}
    for t in themes:
        for m in t.merge:
            if m not in ids or m == t.id:
                fail(f"theme {t.id}: merge refers to {m}, which is not another theme in this file")
            if m in targets:
                fail(f"theme {m} is merged into both {targets[m]} and {t.id}")
            targets[m] = t.id
    for source_id, target in targets.items():
        if target in targets:
            fail(f"theme {target} is merged into {targets[target]} and also receives theme {source_id}: "
                 "merge both into the same theme")
    return Codeframe(tuple(themes), tuple(w.strip() for w in exclude if w.strip()), n_themes, source)


def codeframe_to_toml(codeframe: Codeframe) -> str:
    """The codeframe as TOML text that :func:`read_codeframe` reads back to the same codeframe."""
    lines = ["# feedbackml codeframe: edit names, seeds, merges and excluded words, then fit again",
             "# with --codeframe FILE. Seeds start a theme and keep it; merge = [ids] folds other",
             "# themes into this one; a theme without a name gets an automatic label.", ""]
    if codeframe.n_themes is not None:
        lines.append(f"n_themes = {_value(codeframe.n_themes)}")
    lines.append(f"exclude = {_value(list(codeframe.exclude))}")
    for theme in codeframe.themes:
        lines += ["", "[[themes]]"]
        if theme.note:
            lines += [f"# {line}" for line in theme.note.splitlines()]
        lines.append(f"id = {theme.id}")
        if theme.name:
            lines.append(f"name = {_value(theme.name)}")
        lines.append(f"seeds = {_value(list(theme.seeds))}")
        if theme.merge:
            lines.append(f"merge = {_value(list(theme.merge))}")
    return "\n".join(lines) + "\n"


def write_codeframe(path: str | Path, codeframe: Codeframe) -> Path:
    """Write ``codeframe`` as TOML (atomically)."""
    from ..io.write import write_text

    write_text(path, codeframe_to_toml(codeframe))
    return Path(path)


def with_notes(codeframe: Codeframe, notes: dict[int, str]) -> Codeframe:
    """A copy whose entries carry ``notes[id]`` (written as comments above each entry)."""
    themes = tuple(replace(t, note=notes.get(t.id, t.note)) for t in codeframe.themes)
    return replace(codeframe, themes=themes)


def _value(value) -> str:
    """A TOML literal for a string, int or list of them (JSON escapes are valid TOML)."""
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"cannot write {value!r} to a codeframe")
    return str(value) if isinstance(value, int) else json.dumps(value, ensure_ascii=False)
