"""The text encoding of an export: UTF-8 when it is, else detected — never one guess for all.

Exports arrive as UTF-8 (with or without a BOM), UTF-16 (Qualtrics' TSV, Excel's "Unicode
text", sometimes without a BOM), Windows code pages (cp1252 for Western Europe, cp932 /
Shift-JIS for Japanese, GB18030 for Chinese …). :func:`detect_encoding` decides once per
file:

1. a BOM names the encoding;
2. NUL bytes at every other position mean UTF-16 without a BOM (little or big endian);
3. a file that decodes as UTF-8 is UTF-8;
4. a file that is UTF-8 but for a few stray bytes (fewer than one invalid sequence per
   :data:`STRAY_RATIO` valid multi-byte characters) stays UTF-8: those bytes become U+FFFD
   and the reader names the rows that hold them — one bad byte never turns every accented
   row into mojibake;
5. anything else is detected by charset-normalizer (its guess is reported as a warning);
   among the guesses that read the file about as cleanly, the common export encodings
   (:data:`PREFERRED`) win, so a short French cp1252 file is not read as Nordic latin-10;
6. a file no encoding reads cleanly is refused with a message that says how to fix it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError

#: A UTF-8 file keeps UTF-8 when its valid multi-byte characters outnumber its invalid
#: byte sequences by at least this factor (a cp1252 file has almost no valid ones).
STRAY_RATIO = 3
#: The encodings exports are written in, most common first: a detected encoding is replaced
#: by the first of these that reads the file with at most :data:`CHAOS_SLACK` more "chaos".
PREFERRED = ("utf_16_le", "utf_16_be", "cp1252", "gb18030", "cp932", "shift_jis", "euc_jp",
             "cp949", "big5", "cp1250", "cp1251", "iso8859_15", "latin_1")
CHAOS_SLACK = 0.1
#: A detection whose best reading is messier than this is refused.
MAX_CHAOS = 0.35
#: Bytes given to charset-normalizer (it samples within them).
SAMPLE = 4 << 20
_CHUNK = 1 << 20
_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Encoding:
    """How to decode a file: ``codec`` with ``errors``; ``guessed`` when charset-normalizer
    chose it, ``stray`` = invalid byte sequences replaced by U+FFFD in a UTF-8 file."""

    codec: str
    errors: str = "strict"
    guessed: bool = False
    stray: int = 0

    @property
    def is_utf8(self) -> bool:
        return self.codec in {"utf-8", "utf-8-sig"}

    def warning(self, name) -> tuple[str, str] | None:
        """``(code, message)`` to report, or None when nothing was guessed or replaced."""
        if self.guessed:
            return ("encoding_guessed", f"{name} is not UTF-8: read as {self.codec} (detected); "
                    "if accented or non-Latin letters look wrong, save the export as UTF-8")
        return None


def detect_encoding(data: bytes | Path, name=None) -> Encoding:
    """The :class:`Encoding` of ``data`` (bytes, or a file read in 1 MiB pieces)."""
    name = name if name is not None else (data if isinstance(data, Path) else "the input")
    head = data[:SAMPLE] if isinstance(data, bytes) else read_head(data, SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return Encoding(utf16, guessed=True)
    invalid = _invalid_utf8(data)
    if invalid == 0:
        return Encoding("utf-8")
    if _multibyte_count(data) >= STRAY_RATIO * invalid:
        return Encoding("utf-8", errors="replace", stray=invalid)
    return _charset_normalizer(head, name)


def read_head(path: Path, n: int) -> bytes:
    """The first ``n`` bytes of the file at ``path``."""
    with open(path, "rb") as fh:
        return fh.read(n)


def byte_chunks(data: bytes | Path) -> Iterator[bytes]:
    """``data`` (bytes, or the file at a path) in blocks of a mebibyte."""
    if isinstance(data, bytes):
        for start in range(0, len(data), _CHUNK):
            yield data[start:start + _CHUNK]
        return
    with open(data, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def _utf16_without_bom(head: bytes) -> str | None:
    """utf_16_le / utf_16_be when NUL bytes sit at nearly every odd / even position (text in
    Latin letters), else None."""
    sample = head[:65536]
    if len(sample) < 8 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.7 * half and even <= 0.05 * half:
        return "utf_16_le"
    if even >= 0.7 * half and odd <= 0.05 * half:
        return "utf_16_be"
    return None


def _invalid_utf8(data: bytes | Path) -> int:
    """Invalid byte sequences of ``data`` read as UTF-8 (a U+FFFD written in the file, EF BF
    BD, is valid, not a stray byte)."""
    invalid = 0
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for chunk in byte_chunks(data):
        invalid += decoder.decode(chunk).count("\ufffd")
    invalid += decoder.decode(b"", final=True).count("\ufffd")
    if invalid:
        invalid -= sum(chunk.count(b"\xef\xbf\xbd") for chunk in byte_chunks(data))
    return max(invalid, 0)


def _multibyte_count(data: bytes | Path) -> int:
    """Valid multi-byte characters of ``data`` read as UTF-8 (matched in each block with the
    last 3 bytes of the one before). Only counted when some bytes are invalid: the regex
    scan costs more than decoding, and a clean UTF-8 file needs no ratio."""
    valid = 0
    carry = b""
    for chunk in byte_chunks(data):
        piece = carry + chunk
        valid += len(_MULTIBYTE.findall(piece))
        carry = piece[-3:]
    return valid


def _charset_normalizer(head: bytes, name) -> Encoding:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(head))
    if not matches or matches[0].chaos > MAX_CHAOS:
        raise DataError("cannot tell the text encoding of the file (it is not UTF-8, and no other "
                        "encoding reads it cleanly)", file=name,
                        hint="save or export the file as UTF-8 CSV and try again")
    best = matches[0]
    by_name = {m.encoding: m for m in matches}
    for codec in PREFERRED:
        m = by_name.get(codec)
        if m is not None and m.chaos <= best.chaos + CHAOS_SLACK:
            best = m
            break
    return Encoding(codecs.lookup(best.encoding).name, guessed=True)


def stray_rows(df, limit: int = 5) -> list[int]:
    """Row numbers (the index) of ``df`` whose text holds U+FFFD, the first ``limit`` of them."""
    import numpy as np
    import pandas as pd

    hit = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            hit |= values.astype("string").str.contains("\ufffd", regex=False).fillna(False).to_numpy(bool)
    return [int(r) for r in df.index[hit][:limit]]
