-- Example: join lap metadata with telemetry. Top speed and average throttle of every timed lap.
SELECT r.track, l.number AS lap, l.lap_time, max(s.speed) AS top_speed, avg(s.throttle) AS avg_throttle
FROM {{LAPS}} l
JOIN races r ON r.id = l.race_id
JOIN {{SAMPLES}} s ON s.lap_id = l.id
WHERE l.lap_time IS NOT NULL
GROUP BY ALL
ORDER BY l.lap_time
