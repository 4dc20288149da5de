"""Running an analysis: running counts, the one table builder, chunks, streaming, Dask, jobs, the output folder."""
