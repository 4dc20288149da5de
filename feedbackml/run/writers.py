"""Writers that append scored chunks to the output files: comments (Parquet + CSV) and rejects (CSV)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..io import write as fio

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

    def __init__(self, parquet: Path, csv: Path | None, rejects: Path):
        self.parquet_path, self.csv_path, self.rejects_path = parquet, csv, rejects
        self._parquet = None
        self._schema: pa.Schema | None = None
        self._empty: pd.DataFrame | None = None  # the columns, until a chunk has comments
        self._csv = open(csv, "wb") if csv is not None else None
        self._rejects = open(rejects, "w", encoding="utf-8", newline="")
        self._first = True

    def write(self, comments: pd.DataFrame, rejects: pd.DataFrame) -> None:
        if len(comments):
            self._write_parquet(comments)
        elif self._empty is None:
            self._empty = comments  # types are known once a chunk has rows
        if self._csv is not None and (len(comments) or self._first):
            fio.write_comments_csv(self._csv, comments, header=self._first)
        if len(rejects) or self._first:
            rejects.to_csv(self._rejects, index=False, header=self._first, lineterminator="\n")
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
        for fh in (self._csv, self._rejects):
            if fh is not None and not fh.closed:
                fh.close()


class PartsWriter(ChunkWriter):
    """Like :class:`ChunkWriter`, but each chunk's comments go to their own
    ``part-NNNNN.parquet`` in ``folder`` (a partitioned dataset); no comments.csv."""

    def __init__(self, folder: Path, rejects: Path):
        super().__init__(Path(folder), None, rejects)
        self._parts = 0

    def _write_parquet(self, comments: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if self._schema is None:
            self._schema = _schema(pa.Table.from_pandas(comments, preserve_index=False))
        table = pa.Table.from_pandas(comments, schema=self._schema, preserve_index=False)
        pq.write_table(table, self.parquet_path / f"part-{self._parts:05d}.parquet", compression="zstd")
        self._parts += 1

    def close(self) -> None:
        if self._parts == 0 and self._empty is not None:
            self._write_parquet(self._empty)
        self._empty = None
        if not self._rejects.closed:
            self._rejects.close()
