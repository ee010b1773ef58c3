import dask.dataframe as dd
ddf = dd.read_parquet('s3://public-bucket/data/*.parquet', storage_options={'anon': True})
result = ddf.groupby('key').value.mean().compute()
