"""Survey-platform exports: find the layout, drop its extra header rows, keep the wording.

Survey tools write more than one header row, or metadata columns before the questions:

=================  ==============================================================  ===========
platform           what the export looks like                                      header rows
=================  ==============================================================  ===========
Qualtrics          row 1 column ids (``StartDate`` … ``ResponseId``, ``Q1``), row    3
                   2 the question wording, row 3 ``{"ImportId":"QID1"}`` JSON
Qualtrics legacy   row 1 ``V1`` … ``V10`` / ``ResponseID``, ``Q1`` …, row 2 the       2
                   wording (``ResponseID`` … ``How likely…``)
SurveyMonkey       row 1 ``Respondent ID`` … ``Custom Data 1`` then the questions;    2
                   row 2 ``Response`` / ``Open-Ended Response`` / option labels
Typeform           ``#`` (or ``Submission ID``), questions, ``Start Date (UTC)``,     1
                   ``Submit Date (UTC)``, ``Network ID``
Google Forms       ``Timestamp`` then the questions                                  1
Microsoft Forms    ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``    1
=================  ==============================================================  ===========

:func:`read_layout` takes a table as the reader returns it (first header row as column
names, every later row as data) and returns the respondents only: the extra header rows
are removed (they are neither data nor rejects), rows are renumbered from 1 (``row`` =
the respondent's position, so rows in = respondents), SurveyMonkey's two header rows are
joined into one column name per column, and ``attrs["survey"]`` records the platform, the
header rows dropped, the metadata columns and each column's question wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

QUALTRICS_METADATA = ("StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
                      "Finished", "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName",
                      "RecipientFirstName", "RecipientEmail", "ExternalReference", "ExternalDataReference",
                      "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
                      "ResponseSet", "Name", "EmailAddress", "Q_RecaptchaScore", "Q_RelevantIDDuplicate")
QUALTRICS_LEGACY_IDS = tuple(f"V{i}" for i in range(1, 11))
SURVEYMONKEY_METADATA = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                         "Email Address", "First Name", "Last Name", "Custom Data 1", "Custom Data")
TYPEFORM_METADATA = ("#", "Submission ID", "Respondent ID", "Start Date (UTC)", "Stage Date (UTC)",
                     "Submit Date (UTC)", "Network ID", "Tags", "Ending")
GOOGLE_FORMS_METADATA = ("Timestamp", "Email Address", "Email address", "Score")
MICROSOFT_FORMS_METADATA = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
                            "Total points", "Quiz feedback")
#: The column each platform stamps the submission time in (first one present wins).
SUBMITTED = {"qualtrics": ("RecordedDate", "EndDate", "V9"), "surveymonkey": ("End Date", "Start Date"),
             "typeform": ("Submit Date (UTC)",), "google_forms": ("Timestamp",),
             "microsoft_forms": ("Completion time", "Start time")}
#: SurveyMonkey's second header row for a single-answer column.
_SM_SINGLE = {"", "response", "open-ended response"}
_IMPORT_ID = re.compile(r'^\s*\{\s*["\']ImportId["\']\s*:')
_RESPONSE_ID = re.compile(r"^R_[A-Za-z0-9]{5,}$")


@dataclass
class Layout:
    """What :func:`detect_layout` found: the platform, rows to drop, wording per column."""

    platform: str  # "qualtrics", "surveymonkey", "typeform", "google_forms", "microsoft_forms" or ""
    header_rows: int = 1  # header rows in the file (1 = just the column names)
    questions: dict[str, str] = field(default_factory=dict)  # column -> question wording
    metadata: list[str] = field(default_factory=list)  # platform columns that are not answers
    rename: dict[str, str] = field(default_factory=dict)  # column as read -> column name used
    variant: str = ""  # "current" / "legacy" for Qualtrics

    def record(self, columns) -> dict:
        """The ``attrs["survey"]`` / summary.json entry (JSON-ready)."""
        submitted = next((c for c in SUBMITTED.get(self.platform, ()) if c in columns), None)
        return {"platform": self.platform, "variant": self.variant or None, "header_rows": self.header_rows,
                "metadata_columns": [c for c in self.metadata if c in columns],
                "submitted_column": submitted, "questions": dict(self.questions)}


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _row(df: pd.DataFrame, i: int) -> list[str]:
    return [_cell(v) for v in df.iloc[i].tolist()] if len(df) > i else []


def _blank(name) -> bool:
    """A header cell pandas or the reader filled in for an empty one (``Unnamed: 3``)."""
    text = _cell(name)
    return text == "" or re.fullmatch(r"Unnamed: \d+(_level_\d+)?", text) is not None


def detect_layout(df: pd.DataFrame) -> Layout:
    """The survey layout of a table as read (first header row = the column names)."""
    columns = [str(c) for c in df.columns]
    have = set(columns)
    second = _row(df, 0)
    qualtrics_meta = [c for c in QUALTRICS_METADATA if c in have]
    if len(qualtrics_meta) >= 3 or any(_IMPORT_ID.match(v) for v in _row(df, 1) + second):
        return _qualtrics(df, columns, qualtrics_meta)
    if sum(c in have for c in QUALTRICS_LEGACY_IDS) >= 8 and "ResponseID" in second:
        return _qualtrics(df, columns, [c for c in QUALTRICS_LEGACY_IDS if c in have], legacy=True)
    if sum(c in have for c in SURVEYMONKEY_METADATA) >= 3 and _surveymonkey_subheader(columns, second):
        return _surveymonkey(columns, second)
    for platform, names, needed in (("typeform", TYPEFORM_METADATA, 2),
                                    ("microsoft_forms", MICROSOFT_FORMS_METADATA, 3),
                                    ("google_forms", GOOGLE_FORMS_METADATA, 1)):
        meta = [c for c in names if c in have]
        if len(meta) >= needed and (platform != "google_forms" or columns[0] == "Timestamp"):
            questions = {c: c for c in columns if c not in meta}
            return Layout(platform, 1, questions, meta)
    return Layout("")


def _qualtrics(df: pd.DataFrame, columns: list[str], meta: list[str], legacy: bool = False) -> Layout:
    """Qualtrics: the wording row, then (current layout) the ImportId row, before the data."""
    header_rows = 1
    wording: list[str] = []
    for i in range(2):
        row = _row(df, i)
        if not row:
            break
        if sum(bool(_IMPORT_ID.match(v)) for v in row) >= max(1, sum(bool(v) for v in row) // 2):
            header_rows += 1  # {"ImportId":"QID1"} …
        elif i == 0 and not _looks_like_data(row, columns):
            header_rows += 1
            wording = row
        else:
            break
    questions = {}
    if wording:
        meta_set = set(meta)
        for col, text in zip(columns, wording):
            if col not in meta_set and text:
                questions[col] = text
    if legacy and wording:  # V1 … V10 are named by the wording row: ResponseID, StartDate …
        meta = [c for c, w in zip(columns, wording) if c in QUALTRICS_LEGACY_IDS] or meta
    return Layout("qualtrics", header_rows, questions, meta, variant="legacy" if legacy or header_rows == 2 else "current")


def _looks_like_data(row: list[str], columns: list[str]) -> bool:
    """Whether a Qualtrics row after the ids is a respondent (a response id ``R_…``, or a
    date under ``StartDate``) rather than the wording row."""
    values = dict(zip(columns, row))
    for col in ("ResponseId", "ResponseID", "V1", "_recordId"):
        if col in values and _RESPONSE_ID.match(values[col]):
            return True
    for col in ("StartDate", "V8"):
        if col in values and re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", values[col]):
            return True
    return False


def _surveymonkey_subheader(columns: list[str], second: list[str]) -> bool:
    """SurveyMonkey's second header row: empty under the metadata, ``Response`` /
    ``Open-Ended Response`` / option labels under the questions."""
    if not second:
        return False
    cells = dict(zip(columns, second))
    meta_empty = all(cells.get(c, "") == "" for c in SURVEYMONKEY_METADATA if c in cells)
    labels = {v.lower() for v in second}
    return meta_empty and bool(labels & {"response", "open-ended response"})


def _surveymonkey(columns: list[str], second: list[str]) -> Layout:
    """One name per column from the two header rows: the question, or ``question - option``
    for a question that spans several columns (its later columns have an empty first row)."""
    rename, questions, meta = {}, {}, []
    question = ""
    spans: dict[str, int] = {}
    for col in columns:
        if not _blank(col):
            question = col
        spans[question] = spans.get(question, 0) + 1
    question = ""
    for col, sub in zip(columns, second + [""] * (len(columns) - len(second))):
        if not _blank(col):
            question = col
        if question in SURVEYMONKEY_METADATA:
            meta.append(question)
            name = question
        elif spans.get(question, 1) == 1 and sub.lower() in _SM_SINGLE:
            name = question
        else:
            name = f"{question} - {sub}" if sub else question
        rename[col] = name
        if question not in SURVEYMONKEY_METADATA:
            questions[name] = question
    taken: dict[str, int] = {}
    for col, name in list(rename.items()):  # two identical sub-labels keep distinct names
        taken[name] = taken.get(name, 0) + 1
        if taken[name] > 1:
            rename[col] = f"{name} ({taken[name]})"
    return Layout("surveymonkey", 2, {rename[c]: questions[n] for c, n in rename.items() if n in questions},
                  meta, rename)


def read_layout(df: pd.DataFrame, layout: Layout | None = None) -> pd.DataFrame:
    """``df`` without the layout's extra header rows, renamed, renumbered, with ``attrs["survey"]``.

    A table with no known layout is returned as it is (no ``survey`` entry). Broken rows the
    reader set aside (``attrs["bad_rows"]``) are renumbered the same way.
    """
    layout = layout or detect_layout(df)
    if not layout.platform:
        return df
    drop = layout.header_rows - 1
    out = df.iloc[drop:].rename(columns=layout.rename) if drop or layout.rename else df.copy()
    out.index = pd.RangeIndex(1, len(out) + 1, name="row")
    out.attrs = dict(df.attrs)
    out.attrs["bad_rows"] = [(r - drop, v) for r, v in df.attrs.get("bad_rows") or [] if r > drop]
    out.attrs["survey"] = layout.record(list(out.columns))
    return out


#: Rows :func:`detect_layout` looks at (the header rows after the column names, and one more).
LAYOUT_ROWS = 3


def _buffered(chunks):
    """``(first rows, chunks)``: the first :data:`LAYOUT_ROWS` data rows of ``chunks`` (fewer if
    the file has fewer), and all the chunks, in order and unchanged."""
    chunks = iter(chunks)
    held: list[pd.DataFrame] = []
    for chunk in chunks:
        held.append(chunk)
        if sum(len(c) for c in held) >= LAYOUT_ROWS:
            break
    first = pd.concat(held) if len(held) > 1 else held[0] if held else pd.DataFrame()
    if len(held) > 1:
        first.attrs = dict(held[0].attrs)

    def replay():
        yield from held
        yield from chunks

    return first, replay()


def layout_chunks(chunks):
    """Chunks of one file as :func:`read_layout` would give the whole file: the layout found
    in the first :data:`LAYOUT_ROWS` rows (over as many chunks as they take, so a chunk size
    smaller than the header rows reads the layout right), its extra header rows dropped, every
    chunk renumbered and renamed alike (``attrs["survey"]`` on the first)."""
    first, chunks = _buffered(chunks)
    layout = detect_layout(first)
    drop = skip = layout.header_rows - 1 if layout.platform else 0
    for chunk in chunks:
        if not layout.platform:
            yield chunk
            continue
        start = int(chunk.index[0]) if len(chunk) else None
        out = chunk.iloc[min(skip, len(chunk)):].rename(columns=layout.rename)
        skip -= min(skip, len(chunk))
        out.index = pd.Index(out.index.to_numpy(dtype="int64") - drop, name="row")
        out.attrs = dict(chunk.attrs)
        out.attrs["bad_rows"] = [(r - drop, v) for r, v in chunk.attrs.get("bad_rows") or []
                                 if start is None or r - start >= drop]
        if "last_row" in out.attrs:
            out.attrs["last_row"] = out.attrs["last_row"] - drop
        if "survey" not in out.attrs:
            out.attrs["survey"] = layout.record(list(out.columns))
        yield out


def import_id(cell: str) -> str | None:
    """The ``ImportId`` of a Qualtrics third-row cell (``QID1``), or None."""
    try:
        return json.loads(cell).get("ImportId")
    except (ValueError, AttributeError):
        return None
