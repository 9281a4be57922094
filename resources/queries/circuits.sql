-- Circuits: per circuit, the fastest lap across every race and session in the archive (who, when, where),
-- and how many races were run there (sessions named other than 'Race', such as qualifying, are not races). Timed laps come from the lap table (invalid laps excluded) and from
-- classified results (an F1 driver's fastest lap).
WITH ready AS (
    SELECT id, track, name, coalesce(json_extract_string(meta, '$.session'), 'Race') = 'Race' AS is_race,
           coalesce(TRY_CAST(json_extract_string(meta, '$.date') AS DATE), CAST(created_at AS DATE)) AS race_date
    FROM races
    WHERE status = 'Ready' AND track IS NOT NULL
),
timed AS (
    SELECT race_id, coalesce(driver, 'You') AS driver, lap_time
    FROM laps
    WHERE lap_time IS NOT NULL AND NOT list_contains(string_split(flags, ','), 'invalid')
    UNION ALL
    SELECT race_id, coalesce(driver, abbreviation) AS driver, best_lap_time AS lap_time
    FROM results
    WHERE best_lap_time IS NOT NULL
),
ranked AS (
    SELECT ready.track, timed.lap_time, timed.driver, ready.race_date, ready.name AS race,
           row_number() OVER (PARTITION BY ready.track ORDER BY timed.lap_time, ready.race_date, timed.driver) AS n
    FROM timed JOIN ready ON ready.id = timed.race_id
)
SELECT ready.track AS circuit,
       count(DISTINCT ready.id) FILTER (WHERE ready.is_race) AS races,
       any_value(ranked.lap_time) AS fastest_lap,
       any_value(ranked.driver) AS fastest_driver,
       any_value(ranked.race_date) AS fastest_date,
       any_value(ranked.race) AS fastest_race
FROM ready
LEFT JOIN ranked ON ranked.track = ready.track AND ranked.n = 1
GROUP BY ready.track
ORDER BY ready.track
