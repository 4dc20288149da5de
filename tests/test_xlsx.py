"""The Excel workbook: one sheet per table, formula-like text neutralised."""

import pandas as pd
from openpyxl import load_workbook

import feedbackml as fml
from feedbackml.report.xlsx import neutralise_formulas, write_xlsx

from conftest import make_feedback


def test_each_table_is_a_sheet_with_its_rows(tmp_path):
    res = fml.analyze(make_feedback(), text="comment", score="nps", n_themes=3)
    wb = load_workbook(write_xlsx(res, tmp_path / "r.xlsx"))
    assert {"themes", "drivers"} <= set(wb.sheetnames)
    rows = list(wb["themes"].iter_rows(values_only=True))
    assert len(rows) == len(res.themes) + 1 and rows[0][0] == "theme_id"  # + the header


def test_formula_like_cells_become_text_and_numbers_stay_numbers():
    safe = neutralise_formulas(pd.DataFrame({"c": ["=1+1", "+SUM(A1)", "-2", "@x", "fine"], "n": [1, 2, 3, 4, 5]}))
    assert safe["c"].tolist()[:2] == ["'=1+1", "'+SUM(A1)"] and safe["c"].iloc[4] == "fine"
    assert safe["n"].tolist() == [1, 2, 3, 4, 5]
