"""The whole-graph jobs on Apache Spark (``--engine spark``): the 50% rule, and screening a names
file, on the columnar tables written as Parquet. pyspark is imported only when a job runs."""
