"""The SQL of the history summaries (over the `ergast.*` views) and of the user's own sessions they merge with.

Definitions, the same in the tests' independent pandas computation:
- a Grand Prix entered: a race with a row in results for the driver (sprints are in sprint_results, apart);
- a win / podium: classified (position not NULL) 1st / 1st–3rd, counted once per race (shared drives of the
  1950s give two rows for one race);
- a pole: starting from grid 1 (what the official records count: a fastest qualifier sent back by a penalty
  or an exclusion has no pole), or, for a race with no grid 1 in its results, qualifying position 1;
- points: the sum of the results' points (championship totals with dropped scores differ before 1991);
- a circuit's races: races with results; its fastest lap: the fastest `fastestLapTime` of its races (recorded
  from 2004) or, when the dump has lap_times, the fastest lap there.
"""

DRIVERS = """
WITH gp AS (
    SELECT r.driverId, r.raceId, ra.year, r.position, r.points
    FROM ergast.results r JOIN ergast.races ra ON ra.raceId = r.raceId
),
pole_rows AS (
    SELECT raceId, driverId FROM ergast.results WHERE grid = 1
    UNION ALL
    SELECT raceId, driverId FROM ergast.qualifying
    WHERE position = 1 AND raceId NOT IN (SELECT raceId FROM ergast.results WHERE grid = 1)
),
poles AS (SELECT driverId, count(DISTINCT raceId) AS poles FROM pole_rows GROUP BY driverId),
sprints AS (
    SELECT driverId,
           count(DISTINCT raceId) AS sprints,
           count(DISTINCT raceId) FILTER (WHERE position = 1) AS sprint_wins,
           count(DISTINCT raceId) FILTER (WHERE position BETWEEN 1 AND 3) AS sprint_podiums,
           sum(points) AS sprint_points
    FROM ergast.sprint_results GROUP BY driverId
),
career AS (
    SELECT driverId,
           count(DISTINCT raceId) AS races,
           count(DISTINCT raceId) FILTER (WHERE position = 1) AS wins,
           count(DISTINCT raceId) FILTER (WHERE position BETWEEN 1 AND 3) AS podiums,
           sum(points) AS points,
           min(year) AS first_season,
           max(year) AS last_season
    FROM gp GROUP BY driverId
)
SELECT d.forename || ' ' || d.surname AS driver, d.driverRef AS driver_ref, d.code, d.nationality,
       c.races, c.wins, c.podiums, coalesce(p.poles, 0) AS poles, c.points, c.first_season, c.last_season,
       coalesce(s.sprints, 0) AS sprints, coalesce(s.sprint_wins, 0) AS sprint_wins,
       coalesce(s.sprint_podiums, 0) AS sprint_podiums, coalesce(s.sprint_points, 0) AS sprint_points
FROM career c
JOIN ergast.drivers d ON d.driverId = c.driverId
LEFT JOIN poles p ON p.driverId = c.driverId
LEFT JOIN sprints s ON s.driverId = c.driverId
"""

CIRCUITS = """
WITH done AS (
    SELECT ra.raceId, ra.circuitId, ra.year FROM ergast.races ra
    WHERE ra.raceId IN (SELECT raceId FROM ergast.results)
),
counts AS (
    SELECT circuitId, count(*) AS races, min(year) AS first_year, max(year) AS last_year FROM done GROUP BY circuitId
),
laps AS (
    SELECT raceId, driverId, fastestLapTime AS lap_time FROM ergast.results WHERE fastestLapTime IS NOT NULL
    UNION ALL
    SELECT raceId, driverId, time AS lap_time FROM ergast.lap_times WHERE time IS NOT NULL
),
ranked AS (
    SELECT ra.circuitId, laps.lap_time, laps.driverId, ra.year, ra.date, ra.year || ' ' || ra.name AS race,
           row_number() OVER (PARTITION BY ra.circuitId ORDER BY laps.lap_time, ra.date, laps.driverId) AS n
    FROM laps JOIN ergast.races ra ON ra.raceId = laps.raceId
)
SELECT ci.name AS circuit, ci.circuitRef AS circuit_ref, ci.location, ci.country, ci.circuitId, k.races,
       b.lap_time AS fastest_lap, d.forename || ' ' || d.surname AS fastest_lap_driver, b.year AS fastest_lap_year,
       b.date AS fastest_date, b.race AS fastest_race, k.first_year, k.last_year
FROM counts k
JOIN ergast.circuits ci ON ci.circuitId = k.circuitId
LEFT JOIN ranked b ON b.circuitId = k.circuitId AND b.n = 1
LEFT JOIN ergast.drivers d ON d.driverId = b.driverId
"""


DRIVER_SEASONS = """
WITH me AS (SELECT driverId FROM ergast.drivers WHERE driverRef = $ref),
gp AS (
    SELECT ra.year, r.raceId, r.position, r.points
    FROM ergast.results r JOIN ergast.races ra ON ra.raceId = r.raceId
    WHERE r.driverId IN (SELECT driverId FROM me)
),
pole_rows AS (
    SELECT raceId FROM ergast.results WHERE grid = 1 AND driverId IN (SELECT driverId FROM me)
    UNION
    SELECT raceId FROM ergast.qualifying WHERE position = 1 AND driverId IN (SELECT driverId FROM me)
        AND raceId NOT IN (SELECT raceId FROM ergast.results WHERE grid = 1)
),
sprint AS (
    SELECT ra.year, sum(s.points) AS sprint_points, count(DISTINCT s.raceId) AS sprints
    FROM ergast.sprint_results s JOIN ergast.races ra ON ra.raceId = s.raceId
    WHERE s.driverId IN (SELECT driverId FROM me) GROUP BY ra.year
)
SELECT gp.year, count(DISTINCT gp.raceId) AS races,
       count(DISTINCT gp.raceId) FILTER (WHERE gp.position = 1) AS wins,
       count(DISTINCT gp.raceId) FILTER (WHERE gp.position BETWEEN 1 AND 3) AS podiums,
       count(DISTINCT gp.raceId) FILTER (WHERE gp.raceId IN (SELECT raceId FROM pole_rows)) AS poles,
       sum(gp.points) AS points, min(gp.position) AS best_finish,
       coalesce(any_value(sprint.sprints), 0) AS sprints, coalesce(any_value(sprint.sprint_points), 0) AS sprint_points
FROM gp LEFT JOIN sprint ON sprint.year = gp.year
GROUP BY gp.year ORDER BY gp.year
"""

CIRCUIT_RACES = """
WITH here AS (
    SELECT ra.raceId, ra.year, ra.name, ra.date FROM ergast.races ra
    JOIN ergast.circuits ci ON ci.circuitId = ra.circuitId
    WHERE ci.circuitRef = $ref AND ra.raceId IN (SELECT raceId FROM ergast.results)
),
laps AS (
    SELECT raceId, driverId, fastestLapTime AS lap_time FROM ergast.results WHERE fastestLapTime IS NOT NULL
    UNION ALL
    SELECT raceId, driverId, time FROM ergast.lap_times WHERE time IS NOT NULL
),
fastest AS (
    SELECT raceId, arg_min(driverId, lap_time) AS driverId, min(lap_time) AS lap_time
    FROM laps WHERE raceId IN (SELECT raceId FROM here) GROUP BY raceId
),
winners AS (
    SELECT raceId, any_value(driverId) AS driverId, any_value(constructorId) AS constructorId
    FROM ergast.results WHERE position = 1 AND raceId IN (SELECT raceId FROM here) GROUP BY raceId
)
SELECT h.year, h.name AS race, h.date, dw.forename || ' ' || dw.surname AS winner, co.name AS team,
       f.lap_time AS fastest_lap, df.forename || ' ' || df.surname AS fastest_lap_driver
FROM here h
LEFT JOIN winners w ON w.raceId = h.raceId
LEFT JOIN ergast.drivers dw ON dw.driverId = w.driverId
LEFT JOIN ergast.constructors co ON co.constructorId = w.constructorId
LEFT JOIN fastest f ON f.raceId = h.raceId
LEFT JOIN ergast.drivers df ON df.driverId = f.driverId
ORDER BY h.year, h.date
"""

# The history-only summaries: computed once per import (stored beside the tables) and read as views
# ergast.driver_summary and ergast.circuit_summary; for an import without them, these queries run live.
RACE_ROUNDS = """
SELECT year, round, circuitId, raceId IN (SELECT raceId FROM ergast.sprint_results) AS sprint FROM ergast.races
"""
SUMMARIES = {"driver_summary": DRIVERS, "circuit_summary": CIRCUITS, "race_rounds": RACE_ROUNDS}
SUMMARY_VERSION = 2  # raise when a summary's columns or definitions change: older stored ones are then not used
