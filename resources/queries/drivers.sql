-- Drivers: per driver, podium finishes and races entered.
-- Classified results (F1 through FastF1/Ergast) count when the session is a race ('Race', or no session given);
-- Pitwall's own recorded sessions (AMS2) count as races entered by whoever drove their laps.
WITH classified AS (
    SELECT r.race_id, coalesce(r.driver, r.abbreviation) AS driver, r.position, r.points
    FROM results r JOIN races ra ON ra.id = r.race_id
    WHERE ra.status = 'Ready' AND coalesce(json_extract_string(ra.meta, '$.session'), 'Race') = 'Race'
),
own AS (
    SELECT DISTINCT l.race_id, coalesce(l.driver, 'You') AS driver, NULL::INTEGER AS position, NULL::DOUBLE AS points
    FROM laps l JOIN races ra ON ra.id = l.race_id
    WHERE ra.status = 'Ready' AND l.race_id NOT IN (SELECT race_id FROM results)
),
entries AS (
    SELECT * FROM classified
    UNION ALL
    SELECT * FROM own
)
SELECT driver,
       count(DISTINCT race_id) AS races_entered,
       count(DISTINCT race_id) FILTER (WHERE position BETWEEN 1 AND 3) AS podiums,
       count(DISTINCT race_id) FILTER (WHERE position = 1) AS wins,
       sum(points) AS points
FROM entries
GROUP BY driver
ORDER BY podiums DESC, races_entered DESC, driver
