-- F1 history (pitwall import ergast): the drivers' champion of every season, from the standings after the
-- season's last round. The Ergast tables are in the ergast schema; drivers, circuits, … also work unqualified,
-- ergast.races and ergast.results need the schema (races and results alone are Pitwall's own sessions).
WITH last_round AS (
    SELECT year, arg_max(raceId, round) AS raceId FROM ergast.races
    WHERE raceId IN (SELECT raceId FROM driver_standings) GROUP BY year
)
SELECT lr.year, d.forename || ' ' || d.surname AS champion, ds.points, ds.wins
FROM last_round lr
JOIN driver_standings ds ON ds.raceId = lr.raceId AND ds.position = 1
JOIN drivers d ON d.driverId = ds.driverId
ORDER BY lr.year
