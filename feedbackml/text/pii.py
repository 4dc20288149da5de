"""Checksums that tell an account number from any other run of digits.

``lang/<lang>/pii.tsv`` lists the patterns :func:`~feedbackml.text.cleaning.redact_pii`
replaces; a pattern with a check in its fourth column (``luhn`` for card numbers, ``iban``
for IBANs) is replaced only where its last group passes that check, so an order number
or a date that merely looks like a card number stays as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def luhn_ok(digits: str) -> bool:
    """Whether a card number (13 to 19 digits) passes the Luhn check."""
    if not (13 <= len(digits) <= 19 and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    """Whether an IBAN (15 to 34 letters and digits, country code first) passes the ISO 13616 mod-97 check."""
    text = text.upper()
    if not (15 <= len(text) <= 34 and text.isalnum() and text.isascii()
            and text[:2].isalpha() and text[2:4].isdigit()):
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


#: The checks a pattern of pii.tsv may name.
CHECKS: dict[str, Callable[[str], bool]] = {"luhn": luhn_ok, "iban": iban_ok}


def checked_replacer(pattern: str, replacement: str, check: str) -> Callable[[str], str]:
    """A function replacing the matches of ``pattern`` (case-insensitive) whose last group,
    stripped of spaces and dashes, passes the check named ``check``."""
    if check not in CHECKS:
        raise ValueError(f"unknown PII check {check!r} (known: {', '.join(CHECKS)})")
    regex, passes = re.compile(pattern, re.IGNORECASE), CHECKS[check]
    template = re.sub(r"\\(\d)", r"\\g<\1>", replacement)

    def one(match: re.Match) -> str:
        candidate = re.sub(r"[^0-9A-Za-z]", "", match.group(match.lastindex or 0))
        return match.expand(template) if passes(candidate) else match.group(0)

    return lambda text: regex.sub(one, text)
