-- F1 history: who won most at each circuit (Grands Prix only; sprints are in sprint_results).
SELECT c.name AS circuit, d.forename || ' ' || d.surname AS driver, count(*) AS wins,
       min(ra.year) AS first_win, max(ra.year) AS last_win
FROM ergast.results r
JOIN ergast.races ra ON ra.raceId = r.raceId
JOIN circuits c ON c.circuitId = ra.circuitId
JOIN drivers d ON d.driverId = r.driverId
WHERE r.position = 1
GROUP BY c.name, d.driverId, d.forename, d.surname
QUALIFY rank() OVER (PARTITION BY c.name ORDER BY count(*) DESC) = 1
ORDER BY wins DESC, circuit
