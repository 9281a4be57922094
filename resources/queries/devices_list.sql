-- Every device with how many readings it sent and when.
SELECT device_id,
       count(*) AS readings,
       min("timestamp") AS first_seen,
       max("timestamp") AS last_seen
FROM read_parquet({{S3_PATH}})
GROUP BY device_id
ORDER BY device_id
