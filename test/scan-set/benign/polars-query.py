import polars as pl
q = pl.scan_parquet('events/*.parquet').filter(pl.col('kind') == 'click').group_by('user').agg(pl.len())
print(q.collect().head())
