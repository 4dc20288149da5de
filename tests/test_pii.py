"""PII checksums and redaction: card numbers (Luhn), IBANs (mod 97), account and sort-code numbers."""

import pandas as pd
import pytest

from feedbackml.text.cleaning import redact_pii
from feedbackml.text.pii import checked_replacer, iban_ok, luhn_ok


@pytest.mark.parametrize("number, ok", [("4111111111111111", True), ("5500005555555559", True),
                                        ("4111111111111112", False), ("1234", False), ("378282246310005", True)])
def test_luhn_tells_card_numbers_from_other_digits(number, ok):
    assert luhn_ok(number) is ok


@pytest.mark.parametrize("text, ok", [("GB82WEST12345698765432", True), ("DE89370400440532013000", True),
                                      ("GB82WEST12345698765433", False), ("GB82", False), ("1234WEST5678", False)])
def test_iban_check_is_iso_13616_mod_97(text, ok):
    assert iban_ok(text) is ok


@pytest.mark.parametrize("text, expected", [
    ("charged card 4111 1111 1111 1111 twice", "charged card [card] twice"),
    ("card 4111-1111-1111-1111.", "card [card] ."),
    ("refund to GB82 WEST 1234 5698 7654 32 please", "refund to [iban] please"),
    ("iban de89370400440532013000", "iban [iban]"),
    ("my account number: 12345678 was charged", "my account number: [account] was charged"),
    ("sort code 12-34-56 is wrong", "sort code [sort code] is wrong"),
])
def test_account_numbers_are_redacted_like_emails(text, expected):
    assert redact_pii(pd.Series([text])).iloc[0] == expected


def test_numbers_failing_their_check_are_not_called_cards_or_ibans():
    out = redact_pii(pd.Series(["order 4111 1111 1111 1112 late", "ref GB82 WEST 1234 5698 7654 33"]))
    assert not out.str.contains(r"\[card\]|\[iban\]").any()


def test_an_unknown_check_in_the_language_data_is_an_error():
    with pytest.raises(ValueError, match="unknown PII check"):
        checked_replacer(r"(\d+)", "[x]", "crc32")
