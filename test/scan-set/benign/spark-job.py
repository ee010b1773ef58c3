from pyspark.sql import SparkSession
spark = SparkSession.builder.appName('etl').getOrCreate()
df = spark.read.parquet('data/events')
df.groupBy('type').count().show()
