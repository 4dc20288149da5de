"""Reading exports and writing outputs: readers, chunked readers, atomic writers, schema checks, model files.

The readers and writers are re-exported here; :mod:`feedbackml.io.schema` (column
detection and validation) and :mod:`feedbackml.io.models` (model directories) are
imported from their modules.
"""

from .chunks import DEFAULT_CHUNK_SIZE, iter_parquet, iter_table, read_header
from .read import (
           READERS,
           file_sha256,
           read_table,
           sniff_delimiter,
           sniff_encoding,
           strictly_quoted,
)
from .write import (
           atomic_path,
           restore_text,
           spreadsheet_safe,
           to_csv,
           write_comments_csv,
           write_csv,
           write_json,
           write_parquet,
           write_text,
)

__all__ = ["DEFAULT_CHUNK_SIZE", "READERS", "atomic_path", "file_sha256", "iter_parquet", "iter_table",
           "read_header", "read_table", "sniff_delimiter", "sniff_encoding", "strictly_quoted", "restore_text", "spreadsheet_safe", "to_csv",
           "write_comments_csv", "write_csv", "write_json", "write_parquet", "write_text"]
