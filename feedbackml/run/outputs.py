"""Write an analysis folder: comments (Parquet + CSV), rejects, tables, summary.json, report.html."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..io import write as fio

if TYPE_CHECKING:
    from ..results import Results


def write_folder(results: Results, path: str | Path, *, csv: bool = True, comments: bool = True,
                 html: str | None = None) -> Path:
    """Write the output-folder contract (each file replaced atomically) and return the folder.

    ``comments=False`` leaves out ``comments.*`` and ``rejects.csv`` (a streamed run
    writes those chunk by chunk); ``html`` is the rendered report, written last.
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    if comments:
        def write_csv():
            with fio.atomic_path(out / "comments.csv") as tmp, open(tmp, "wb") as fh:
                fio.write_comments_csv(fh, results.comments)

        with ThreadPoolExecutor(2) as pool:  # pyarrow's writers release the GIL
            jobs = [pool.submit(fio.write_parquet, out / "comments.parquet", results.comments)]
            jobs += [pool.submit(write_csv)] if csv else []
        for job in jobs:
            job.result()  # raise what a writer raised
        fio.write_csv(out / "rejects.csv", results.rejects)
        from .writers import write_mentions

        write_mentions(out / "mentions.parquet", results.mentions)
    fio.write_csv(out / "themes.csv", results.themes)
    fio.write_csv(out / "drivers.csv", results.drivers)
    for name, table in results.extra.items():
        fio.write_csv(out / f"{name}.csv", table)
    fio.write_json(out / "summary.json", results.summary)
    if html is not None:
        write_report(out / "report.html", html)
    return out


def write_report(path: str | Path, html: str) -> Path:
    """Write a rendered report atomically."""
    fio.write_text(path, html)
    return Path(path)
