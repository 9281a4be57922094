-- F1 history: the fastest race lap of every Grand Prix (recorded from 2004), in seconds, with who set it.
SELECT ra.year, ra.name AS race, c.name AS circuit, min(r.fastestLapTime) AS fastest_lap,
       arg_min(d.forename || ' ' || d.surname, r.fastestLapTime) AS driver
FROM ergast.results r
JOIN ergast.races ra ON ra.raceId = r.raceId
JOIN circuits c ON c.circuitId = ra.circuitId
JOIN drivers d ON d.driverId = r.driverId
WHERE r.fastestLapTime IS NOT NULL
GROUP BY ra.year, ra.round, ra.name, c.name
ORDER BY ra.year, ra.round
