"""Encodings: UTF-8 when it is, stray bytes replaced and named, others detected or refused."""

from __future__ import annotations

import codecs

import pytest

from feedbackml.errors import DataError
from feedbackml.io.encoding import detect_encoding
from feedbackml.io.read import read_table

from conftest import FIXTURES

ENC = FIXTURES / "encodings"


@pytest.mark.parametrize("name, codec, first", [
    ("cp1252.csv", "cp1252", "Très bon service merci à l'équipe"),
    ("shift_jis.csv", "cp932", "とても良いサービスでした"),
    ("gb18030.csv", "gb18030", "服务很好，谢谢"),
    ("utf16le_nobom.csv", "utf_16_le", "Très bon service merci à l'équipe"),
])
def test_files_that_are_not_utf8_are_decoded_right_and_the_guess_is_reported(name, codec, first):
    enc = detect_encoding((ENC / name).read_bytes())
    assert codecs.lookup(enc.codec).name == codecs.lookup(codec).name and enc.guessed
    df = read_table(ENC / name)
    assert df["comment"].iloc[0] == first
    assert df.attrs["encoding"] == enc.codec
    assert [code for code, _ in df.attrs["warnings"]] == ["encoding_guessed"]


def test_one_stray_byte_in_utf8_spoils_only_its_own_row():
    df = read_table(ENC / "utf8_stray_byte.csv")
    assert df.attrs["encoding"] == "utf-8"
    assert df.loc[4, "comment"] == "Prix élevé mais qualit\ufffd correcte"
    assert df.loc[1, "comment"] == "Très bon service merci à l'équipe"  # the other rows are not mojibake
    (message,) = [m for code, m in df.attrs["warnings"] if code == "encoding_replaced"]
    assert "row 4" in message and "1 byte" in message


def test_plain_utf8_and_bom_files_are_not_guesses():
    assert detect_encoding("é,ü\n".encode()).guessed is False
    assert detect_encoding(codecs.BOM_UTF8 + b"a\n").codec == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16")).codec == "utf-16"


def test_a_file_no_encoding_reads_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(128, 256)) * 40)
    with pytest.raises(DataError) as err:
        read_table(path)
    assert "encoding" in str(err.value) and "UTF-8" in err.value.hint
