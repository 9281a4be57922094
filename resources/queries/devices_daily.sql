-- Per device and day: average voltage, maximum temperature, average state of charge.
SELECT device_id,
       CAST("timestamp" AS DATE) AS day,
       avg(voltage) AS avg_voltage,
       max(temperature) AS max_temperature,
       avg(soc) AS avg_soc,
       count(*) AS readings
FROM read_parquet({{S3_PATH}})
GROUP BY device_id, day
ORDER BY day, device_id
