"""The Ergast tables as Pitwall stores them: which files a dump has, their columns and the types they get.

Column names stay as Ergast spells them (raceId, driverRef, …) so queries written for the dataset work here.
Kinds: int, float, str, date (YYYY-MM-DD → DATE), clock (HH:MM:SS time of day → TIME), seconds (a lap or stop
time "m:ss.sss", "ss.sss" or "h:mm:ss.sss" → DOUBLE seconds). `\\N` (and an empty field) is NULL.
"""

from dataclasses import dataclass

KINDS = ("int", "float", "str", "date", "clock", "seconds")


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, kind), in the order the table is written
    required: bool = True  # a dump without this file is refused; optional tables are imported when present
    optional: frozenset[str] = frozenset()  # columns older dumps lack: NULL when missing

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


def _cols(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in text.split():
        name, _, kind = item.partition(":")
        assert kind in KINDS, item
        out.append((name, kind))
    return tuple(out)


_SESSIONS = " ".join(f"{s}_date:date {s}_time:clock" for s in ("fp1", "fp2", "fp3", "quali", "sprint"))
_SESSION_COLUMNS = frozenset(c.split(":")[0] for c in _SESSIONS.split())  # added to the dump in 2022

TABLES: tuple[TableSpec, ...] = (
    TableSpec("circuits", _cols("circuitId:int circuitRef:str name:str location:str country:str lat:float lng:float "
                                "alt:int url:str"), optional=frozenset({"alt"})),
    TableSpec("constructors", _cols("constructorId:int constructorRef:str name:str nationality:str url:str")),
    TableSpec("drivers", _cols("driverId:int driverRef:str number:int code:str forename:str surname:str dob:date "
                               "nationality:str url:str")),
    TableSpec("seasons", _cols("year:int url:str")),
    TableSpec("status", _cols("statusId:int status:str")),
    TableSpec("races", _cols("raceId:int year:int round:int circuitId:int name:str date:date time:clock url:str "
                             + _SESSIONS), optional=_SESSION_COLUMNS),
    TableSpec("results", _cols("resultId:int raceId:int driverId:int constructorId:int number:int grid:int "
                               "position:int positionText:str positionOrder:int points:float laps:int time:str "
                               "milliseconds:int fastestLap:int rank:int fastestLapTime:seconds "
                               "fastestLapSpeed:float statusId:int")),
    TableSpec("qualifying", _cols("qualifyId:int raceId:int driverId:int constructorId:int number:int position:int "
                                  "q1:seconds q2:seconds q3:seconds")),
    TableSpec("sprint_results", _cols("resultId:int raceId:int driverId:int constructorId:int number:int grid:int "
                                      "position:int positionText:str positionOrder:int points:float laps:int "
                                      "time:str milliseconds:int fastestLap:int fastestLapTime:seconds statusId:int "
                                      "rank:int"), required=False),
    TableSpec("pit_stops", _cols("raceId:int driverId:int stop:int lap:int time:clock duration:seconds "
                                 "milliseconds:int"), required=False),
    TableSpec("lap_times", _cols("raceId:int driverId:int lap:int position:int time:seconds milliseconds:int"),
              required=False),
    TableSpec("driver_standings", _cols("driverStandingsId:int raceId:int driverId:int points:float position:int "
                                        "positionText:str wins:int"), required=False),
    TableSpec("constructor_standings", _cols("constructorStandingsId:int raceId:int constructorId:int points:float "
                                             "position:int positionText:str wins:int"), required=False),
    TableSpec("constructor_results", _cols("constructorResultsId:int raceId:int constructorId:int points:float "
                                           "status:str"), required=False),
)
BY_NAME = {t.name: t for t in TABLES}
SCHEMA = "ergast"  # the DuckDB schema the tables appear in (Pitwall's own races/results keep their names)
