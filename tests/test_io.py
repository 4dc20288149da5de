import csv
import io

import pandas as pd
import pytest

from feedbackml.errors import DataError, UsageError
from feedbackml.io.read import read_table, sniff_delimiter, sniff_encoding, strictly_quoted
from feedbackml.io.write import atomic_path, write_csv


def test_reads_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfcomment,nps\ncaf\xc3\xa9 was great,9\n")
    df = read_table(path)
    assert list(df.columns) == ["comment", "nps"]
    assert df.loc[1, "comment"] == "café was great"


def test_reads_cp1252_accents(tmp_path):
    path = tmp_path / "win.csv"
    path.write_bytes("comment,nps\nthe café’s crème brûlée was great,9\n".encode("cp1252"))
    assert sniff_encoding(path) == "cp1252"
    assert read_table(path).loc[1, "comment"] == "the café’s crème brûlée was great"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_sniffs_the_delimiter(tmp_path, sep):
    path = tmp_path / "x.csv"
    path.write_text(f"comment{sep}nps\nslow, very slow{sep}3\nok then{sep}8\n")
    df = read_table(path)
    assert df.shape == (2, 2) and df.loc[1, "comment"] == "slow, very slow"
    assert sniff_delimiter(f"a{sep}b\n1{sep}2\n") == sep


def test_the_header_decides_the_delimiter_whatever_the_comments_hold(tmp_path):
    # csv.Sniffer alone reads this comma file as semicolon-separated: one column of whole lines
    path = tmp_path / "x.csv"
    path.write_text('id,comment,nps\n",late parcel;",,\nr1,fine,9\n";,late parcel","late\nparcel",\n')
    df = read_table(path)
    assert df.columns.tolist() == ["id", "comment", "nps"] and len(df) == 3
    assert df.loc[3, "comment"] == "late\nparcel"
    assert sniff_delimiter('"a;b",c\n1,2\n') == ","  # a delimiter inside a quoted header name is text


def test_index_is_the_one_based_input_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("comment,nps\na,1\nb,2\n")
    assert read_table(path).index.tolist() == [1, 2]


def test_broken_row_is_reported_with_its_row_number(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('comment,nps\n"fine",9\n"too, many",3,extra,fields\n"also fine",7\n')
    df = read_table(path)
    assert df["comment"].tolist() == ["fine", "also fine"]
    assert df.index.tolist() == [1, 3]
    assert [row for row, _ in df.attrs["bad_rows"]] == [2]


def test_unclosed_quote_is_a_clear_data_error(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('comment,nps\n"fine",9\n"never closed,3\n"more",4\n')
    with pytest.raises(DataError, match="quote.csv.*line 4"):
        read_table(path)


def test_an_unclosed_quote_names_the_row_it_opens_in(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('comment,nps\n"fine",9\nok,8\n"never closed,3\nmore,4\n')
    with pytest.raises(DataError, match=r"quote.csv: broken CSV .*\(in row 3, which starts on line 4\)"):
        read_table(path)
    from feedbackml.io.chunks import iter_table

    with pytest.raises(DataError, match=r"\(in row 3, which starts on line 4\)"):
        list(iter_table(path, 2))


def test_quoted_line_breaks_are_kept_in_the_comment(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('comment,nps\n"first line\nsecond line",9\nok,8\n')
    df = read_table(path)
    assert df["comment"].tolist() == ["first line\nsecond line", "ok"]


@pytest.mark.parametrize("text", [
    'a,b\n"x\ny",2\n', 'a,b\r\n"x\r\ny",2\r\n', 'a,b\n5" screen,"say ""hi"""\n', 'a,b\n,\n\n',
    'a,b\n"unclosed,2\nc,3\n"ok",4\n', 'a,b\n"x" y,2\n', 'a,b\n"never closed,2\n', 'a,b\n"x"\r"y",2',
])
@pytest.mark.parametrize("sep", [",", "\t", "|"])
def test_strict_quoting_check_agrees_with_the_csv_module(text, sep):
    text = text.replace(",", sep)
    try:
        list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
        expected = True
    except csv.Error:
        expected = False
    assert strictly_quoted(text, sep) is expected
    assert strictly_quoted((text[i:i + 3] for i in range(0, len(text), 3)), sep) is expected  # in pieces


#: Shapes the fast (pyarrow) reader reads itself (they must give pandas' frame), and shapes it
#: hands to the strict reader (a line of blanks, an empty header name, a short row).
FAST_SHAPES = [
    "a,b\n1,2\n", "a,b\r\n1,2\r\n3,\r\n", "\ufeffa,b\n1,2\n", "a,b\n\n1,2\n\n", 'a,b\n"","x""y"\n',
    "a,b\n1,2", "a,b\n", "a;b\n1;2\n", 'a,b\n"multi\nline",2\n', "a,b\n,\n", 'a,b\n"x" y,2\n',
    "a,b\n café , ü \n", "a,b\r1,2\r3,4\r", 'a,b\r\n"x\r\ny",2\r\n', 'a,b\n"1,5",2\n', 'a,b\n"",""\n',
    "a,b\n1,2\n\n\n",
]
DECLINED_SHAPES = ["a,b\n  \n1,2\n", "a,\n1,2\n", "a,b\n1\n", "a,b\n1,2,\n3,4\n"]


def _fast_and_expected(content):
    from feedbackml.io.read import _read_arrow

    raw = content.encode("utf-8")
    encoding = "utf-8-sig" if content.startswith("\ufeff") else "utf-8"
    text = raw.decode(encoding)
    sep = ";" if ";" in content else ","
    expected = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    return _read_arrow(raw, text, encoding, sep), expected


@pytest.mark.parametrize("content", FAST_SHAPES)
def test_the_fast_reader_gives_what_pandas_c_parser_gives(content):
    fast, expected = _fast_and_expected(content)
    assert fast is not None, "the fast reader should read this shape itself"
    assert fast.equals(expected) and list(fast.columns) == list(expected.columns)


@pytest.mark.parametrize("content", DECLINED_SHAPES)
def test_the_fast_reader_hands_odd_shapes_to_the_strict_reader(content):
    fast, _ = _fast_and_expected(content)
    assert fast is None


def test_a_header_naming_a_column_twice_is_refused_not_renamed():
    from feedbackml.io.read import _read_arrow

    with pytest.raises(DataError, match="more than once"):
        _read_arrow(b"a,a\n1,2\n", "a,a\n1,2\n", "utf-8", ",", "x.csv")


def test_empty_file_is_a_data_error_naming_the_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(DataError, match="empty.csv.*empty"):
        read_table(path)


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".xlsx", ".tsv"])
def test_reads_other_formats(tmp_path, suffix):
    df = pd.DataFrame({"comment": ["late delivery", "great staff"], "nps": [2, 10]})
    path = tmp_path / f"x{suffix}"
    if suffix == ".parquet":
        df.to_parquet(path)
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True)
    elif suffix == ".xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_csv(path, sep="\t", index=False)
    out = read_table(path)
    assert out["comment"].tolist() == ["late delivery", "great staff"]
    assert [int(v) for v in out["nps"]] == [2, 10]


def test_reads_stdin():
    df = read_table("-", stdin=io.BytesIO(b"comment,nps\nhi there,9\n"))
    assert df.loc[1, "comment"] == "hi there" and len(df.attrs["sha256"]) == 64


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    write_csv(target, pd.DataFrame({"a": [1]}))
    assert target.read_text() == '"a"\n1\n'  # text quoted, numbers not


def test_outputs_get_the_usual_permissions_not_private_temp_ones(tmp_path):
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    target = tmp_path / "shared.csv"
    write_csv(target, pd.DataFrame({"a": [1]}))
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def chunked(path, size):
    from feedbackml.io.chunks import iter_table

    chunks = list(iter_table(path, size))
    return chunks, pd.concat(chunks), [b for c in chunks for b in c.attrs["bad_rows"]]


@pytest.mark.parametrize("content, last_row", [
    ("comment;nps\nslow;3\nok then;8\nfine;9\n", 3),  # fast parser
    ('comment,nps\n"two\nlines",3\nok,8\nfine,9\ntoo,many,fields\nlast,1\n', 5),  # strict reader
])
def test_chunks_hold_the_rows_row_numbers_and_broken_rows_of_the_whole_file(tmp_path, content, last_row):
    path = tmp_path / "x.csv"
    path.write_text(content)
    whole = read_table(path)
    chunks, rows, bad = chunked(path, 2)
    pd.testing.assert_frame_equal(rows, whole)
    assert bad == whole.attrs["bad_rows"]
    assert chunks[-1].attrs["last_row"] == last_row


def test_chunks_of_cp1252_tsv_and_parquet_equal_the_whole_file(tmp_path):
    tsv = tmp_path / "x.tsv"
    tsv.write_bytes("comment\tnps\ncrème brûlée\t9\nnaïve\t3\n".encode("cp1252"))
    pd.testing.assert_frame_equal(chunked(tsv, 1)[1], read_table(tsv))
    pq = tmp_path / "x.parquet"
    pd.DataFrame({"comment": ["a", "b", "c"], "nps": [1, 2, 3]}).to_parquet(pq, row_group_size=2)
    pd.testing.assert_frame_equal(chunked(pq, 2)[1], read_table(pq), check_index_type=False)


def test_a_header_without_rows_gives_one_empty_chunk(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("comment,nps\n")
    chunks, _, _ = chunked(path, 5)
    assert len(chunks) == 1 and list(chunks[0].columns) == ["comment", "nps"] and chunks[0].empty


def test_chunks_continue_the_row_numbers_of_a_previous_file(tmp_path):
    from feedbackml.io.chunks import iter_table

    path = tmp_path / "x.csv"
    path.write_text("comment,nps\na,1\nb,2\n")
    assert list(next(iter_table(path, 10, first_row=101)).index) == [101, 102]
