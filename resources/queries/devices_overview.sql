-- Device telemetry overview: total rows, number of devices, time range.
SELECT count(*) AS total_rows,
       count(DISTINCT device_id) AS device_count,
       min("timestamp") AS first_timestamp,
       max("timestamp") AS last_timestamp
FROM read_parquet({{S3_PATH}})
