-- The latest reading of each device.
SELECT device_id,
       max("timestamp") AS "timestamp",
       arg_max(voltage, "timestamp") AS voltage,
       arg_max(temperature, "timestamp") AS temperature,
       arg_max(soc, "timestamp") AS soc
FROM read_parquet({{S3_PATH}})
GROUP BY device_id
ORDER BY device_id
