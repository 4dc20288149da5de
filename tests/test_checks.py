"""What the readers refuse: repeated column names, binary files under a text name, nested values."""

import pandas as pd
import pyarrow as pa
import pytest

from feedbackml.errors import DataError
from feedbackml.io.checks import check_header, refuse_binary, refuse_nested_schema, short_list
from feedbackml.io.jsonl import read_json_rows


def test_a_repeated_column_name_names_its_positions():
    with pytest.raises(DataError, match=r"'comment' \(columns 2, 3\)"):
        check_header(["id", "comment", "comment"], "x.csv")
    check_header(["id", "comment"], "x.csv")


def test_long_lists_are_cut_with_a_count():
    text = short_list([f"c{i}" for i in range(500)])
    assert text.endswith("… and 480 more") and len(text) < 300


@pytest.mark.parametrize("head, words", [(b"PAR1xxxx", "Parquet"), (b"PK\x03\x04xx", "zip"), (b"\x1f\x8bxx", "gzip")])
def test_binary_formats_under_a_text_name_are_named_not_printed(tmp_path, head, words):
    path = tmp_path / "export.csv"
    path.write_bytes(head + b"\x00\x01\x02")
    with pytest.raises(DataError, match=words) as err:
        refuse_binary(path, "CSV")
    assert "\x00" not in str(err.value)


def test_nested_parquet_columns_are_refused_by_name():
    schema = pa.schema([("comment", pa.string()), ("tags", pa.list_(pa.string()))])
    with pytest.raises(DataError, match="'tags'"):
        refuse_nested_schema(schema)


def test_json_lines_errors_name_the_line_and_arrays_are_rows(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"comment": "a"}\n\n{"comment": "b"}\n{"comment": \n')
    with pytest.raises(DataError, match="line 4"):
        read_json_rows(path)
    path.write_text('{"comment": "a"}\n[1, 2]\n')
    with pytest.raises(DataError, match="line 2 is a JSON list"):
        read_json_rows(path)
    array = tmp_path / "in.json"
    array.write_text('[{"comment": "a", "nps": 3}, {"comment": "b"}]')
    df = read_json_rows(array)
    assert df["comment"].tolist() == ["a", "b"] and list(df.columns) == ["comment", "nps"]
    assert pd.isna(df.loc[1, "nps"])
