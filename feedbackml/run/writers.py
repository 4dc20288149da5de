"""Writers that append scored chunks to the output files: comments (Parquet + CSV) and rejects (CSV)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..contract import MENTION_COLUMNS
from ..io import write as fio

#: Rows per row group of ``mentions.parquet``.
MENTION_ROW_GROUP = 65_536
#: Arrow schema of ``mentions.parquet`` (fixed, so every engine writes the same bytes).
MENTION_SCHEMA = pa.schema([("row", pa.int64()), ("theme_id", pa.int64()), ("group_id", pa.int64()),
                            ("text", pa.large_string()), ("sentiment", pa.float64()),
                            ("sentiment_label", pa.string())])


def mention_table(mentions: pd.DataFrame) -> pa.Table:
    """Mentions as an Arrow table of :data:`MENTION_SCHEMA` (no pandas metadata)."""
    frame = mentions[MENTION_COLUMNS]
    return pa.Table.from_arrays([pa.array(frame[f.name].to_numpy(), type=f.type) for f in MENTION_SCHEMA],
                                schema=MENTION_SCHEMA)


class MentionWriter:
    """Appends mentions to one Parquet file (``mentions.parquet``) in row groups of
    :data:`MENTION_ROW_GROUP` rows whatever the chunks, so a streamed run writes the bytes
    an in-memory one does (memory: one row group plus one chunk)."""

    def __init__(self, path: Path):
        import pyarrow.parquet as pq

        self._writer = pq.ParquetWriter(path, MENTION_SCHEMA, compression="zstd")
        self._pending: list[pa.Table] = []
        self._rows = self._written = 0

    def write(self, mentions: pd.DataFrame) -> None:
        if len(mentions):
            self._pending.append(mention_table(mentions))
            self._rows += len(mentions)
        while self._rows >= MENTION_ROW_GROUP:
            self._flush(MENTION_ROW_GROUP)

    def _flush(self, n: int) -> None:
        table = pa.concat_tables(self._pending)
        self._writer.write_table(table.slice(0, n).combine_chunks(), row_group_size=max(n, 1))
        rest = table.slice(n)
        self._pending, self._rows = ([rest] if len(rest) else []), len(rest)
        self._written += n

    def close(self) -> None:
        if self._writer is not None:
            if self._rows or not self._written:
                self._pending = self._pending or [MENTION_SCHEMA.empty_table()]
                self._flush(self._rows)
            self._writer.close()
            self._writer = None


def write_mentions(path: str | Path, mentions: pd.DataFrame) -> None:
    """``mentions.parquet`` of a whole analysis, written atomically (the bytes a streamed run
    of one chunk writes)."""
    with fio.atomic_path(path) as tmp:
        writer = MentionWriter(tmp)
        writer.write(mentions)
        writer.close()

#: Arrow types of our output columns, used when the first chunk cannot tell (all empty).
OUTPUT_TYPES = {"row": pa.int64(), "clean_text": pa.large_string(), "is_nonanswer": pa.bool_(),
                "is_duplicate": pa.bool_(), "sentiment": pa.float64(), "sentiment_label": pa.string(),
                "theme_id": pa.int64(), "theme_label": pa.string(), "theme_score": pa.float64(),
                "themes": pa.list_(pa.int64()), "nps_category": pa.string()}


def _schema(table: pa.Table) -> pa.Schema:
    """The first chunk's schema with types that all-empty columns could not reveal filled in."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_null(t) or (pa.types.is_list(t) and pa.types.is_null(t.value_type)):
            t = OUTPUT_TYPES.get(f.name, pa.list_(pa.string()) if pa.types.is_list(t) else pa.string())
        fields.append(pa.field(f.name, t))
    return pa.schema(fields, metadata=table.schema.metadata)


class ChunkWriter:
    """Appends comments (Parquet + CSV) and rejects (CSV) chunk by chunk to given paths."""

    def __init__(self, parquet: Path, csv: Path | None, rejects: Path, mentions: Path | None = None):
        self.parquet_path, self.csv_path, self.rejects_path = parquet, csv, rejects
        self._mentions = MentionWriter(mentions) if mentions is not None else None
        self._parquet = None
        self._schema: pa.Schema | None = None
        self._empty: pd.DataFrame | None = None  # the columns, until a chunk has comments
        self._csv = open(csv, "wb") if csv is not None else None
        self._rejects = open(rejects, "w", encoding="utf-8", newline="")
        self._first = True

    def write(self, comments: pd.DataFrame, rejects: pd.DataFrame, mentions: pd.DataFrame | None = None) -> None:
        if self._mentions is not None and mentions is not None:
            self._mentions.write(mentions)
        if len(comments):
            self._write_parquet(comments)
        elif self._empty is None:
            self._empty = comments  # types are known once a chunk has rows
        if self._csv is not None and (len(comments) or self._first):
            fio.write_comments_csv(self._csv, comments, header=self._first)
        if len(rejects) or self._first:
            fio.to_csv(rejects, self._rejects, header=self._first)
        self._first = False

    def _write_parquet(self, comments: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._schema = _schema(pa.Table.from_pandas(comments, preserve_index=False))
            self._parquet = pq.ParquetWriter(self.parquet_path, self._schema, compression="zstd")
        self._parquet.write_table(pa.Table.from_pandas(comments, schema=self._schema, preserve_index=False))

    def close(self) -> None:
        if self._parquet is None and self._empty is not None:
            self._write_parquet(self._empty)  # no comments at all: an empty file with the columns
        if self._parquet is not None:
            self._parquet.close()
            self._parquet, self._empty = None, None
        if self._mentions is not None:
            self._mentions.close()
        for fh in (self._csv, self._rejects):
            if fh is not None and not fh.closed:
                fh.close()


class PartsWriter(ChunkWriter):
    """Like :class:`ChunkWriter`, but each chunk's comments go to their own
    ``part-NNNNN.parquet`` in ``folder`` (a partitioned dataset); no comments.csv."""

    def __init__(self, folder: Path, rejects: Path, mentions: Path | None = None):
        super().__init__(Path(folder), None, rejects)
        self._parts = 0
        self._mention_folder = Path(mentions) if mentions is not None else None

    def write(self, comments: pd.DataFrame, rejects: pd.DataFrame, mentions: pd.DataFrame | None = None) -> None:
        if self._mention_folder is not None and mentions is not None and len(comments):
            # one part per part of comments, numbered alike
            write_mentions(self._mention_folder / f"part-{self._parts:05d}.parquet", mentions)
        super().write(comments, rejects)

    def _write_parquet(self, comments: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if self._schema is None:
            self._schema = _schema(pa.Table.from_pandas(comments, preserve_index=False))
        table = pa.Table.from_pandas(comments, schema=self._schema, preserve_index=False)
        pq.write_table(table, self.parquet_path / f"part-{self._parts:05d}.parquet", compression="zstd")
        self._parts += 1

    def close(self) -> None:
        if self._parts == 0 and self._empty is not None:
            if self._mention_folder is not None:
                write_mentions(self._mention_folder / "part-00000.parquet", pd.DataFrame(columns=MENTION_COLUMNS))
            self._write_parquet(self._empty)
        self._empty = None
        if not self._rejects.closed:
            self._rejects.close()
