"""F1 history: importing the bundled Ergast dump (1950–2023) and producing the drivers and circuits reports,
against a pandas implementation of the same two summaries straight from the same CSV files, in the same run.

Measured (best of N, in-process, warm imports):
- import: `import_ergast` into a fresh data directory (typed Parquet, checks, atomic publish);
- reports: both reports as `pitwall report drivers|circuits` make them (the history's summaries, computed by
  DuckDB at import, merged with the user's sessions from the catalog; here an empty catalog);
- pandas: `read_csv` of the six tables the summaries need + the same groupbys (races, wins, podiums, poles,
  points, seasons, sprints; circuits' races, fastest lap with who and when, years).
The target (≥ 5×) is for the reports against pandas: the import is done once per dump, the reports every time
the dock or the command asks. The import + one round of reports against pandas is printed beside it.
Measurements on stderr; last line: one JSON object.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from app.services.analytics.reports import summary_report  # noqa: E402
from app.services.history.importer import import_ergast  # noqa: E402
from bench._common import best_of, report  # noqa: E402

DUMP = ROOT / "tests" / "data" / "ergast" / "csv"


def seconds(text: str) -> float:
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


def pandas_summaries() -> tuple[pd.DataFrame, pd.DataFrame]:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(DUMP / f"{name}.csv.gz", na_values=["\\N"], keep_default_na=False)

    res, races, drivers, circuits = read("results"), read("races"), read("drivers"), read("circuits")
    quali, sprint = read("qualifying"), read("sprint_results")
    gp = res.merge(races[["raceId", "year"]], on="raceId")
    d = gp.groupby("driverId").agg(races=("raceId", "nunique"), points=("points", "sum"),
                                   first_season=("year", "min"), last_season=("year", "max"))
    d["wins"] = gp[gp.position == 1].groupby("driverId").raceId.nunique()
    d["podiums"] = gp[gp.position <= 3].groupby("driverId").raceId.nunique()
    grid = res[res.grid == 1][["raceId", "driverId"]]
    poles = pd.concat([grid, quali[(quali.position == 1) & ~quali.raceId.isin(grid.raceId)][["raceId", "driverId"]]])
    d["poles"] = poles.groupby("driverId").raceId.nunique()
    d["sprints"] = sprint.groupby("driverId").raceId.nunique()
    d["sprint_points"] = sprint.groupby("driverId").points.sum()
    d = d.fillna(0).join(drivers.set_index("driverId")[["driverRef", "forename", "surname"]])

    done = races[races.raceId.isin(res.raceId)]
    c = done.groupby("circuitId").agg(races=("raceId", "count"), first_year=("year", "min"),
                                      last_year=("year", "max"))
    laps = res.dropna(subset=["fastestLapTime"]).merge(races[["raceId", "circuitId", "year", "date"]], on="raceId")
    laps["seconds"] = laps.fastestLapTime.map(seconds)
    best = laps.sort_values(["seconds", "date", "driverId"]).groupby("circuitId").head(1).set_index("circuitId")
    best = best.join(drivers.set_index("driverId")[["forename", "surname"]], on="driverId")
    c = c.join(best[["seconds", "year", "forename", "surname"]]).join(
        circuits.set_index("circuitId")[["circuitRef", "name", "country"]])
    return d, c


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-history-") as tmp:
        homes = iter(Path(tmp) / f"home{i}" for i in range(100))

        def fresh_import() -> None:
            home = next(homes)
            import_ergast(home, DUMP)

        fresh_import()  # warm: modules, file cache
        import_s = best_of(fresh_import, 3)
        home = Path(tmp) / "bench"
        import_ergast(home, DUMP)
        out: dict = {}

        def reports() -> None:  # what `pitwall report drivers` and `… circuits` do
            out["drivers"] = summary_report(home, "drivers")
            out["circuits"] = summary_report(home, "circuits")

        reports()
        reports_s = best_of(reports, 5)
        pandas_summaries()
        pandas_s = best_of(pandas_summaries, 3)
        d, c = pandas_summaries()
        shutil.rmtree(tmp, ignore_errors=True)

    # the same answers, or the timing means nothing
    drivers = {r["driver_ref"]: r for r in out["drivers"].records()}
    assert len(drivers) == len(d) and len(out["circuits"].records()) == len(c)
    for row in d.itertuples():
        got = drivers[row.driverRef]
        assert (got["wins"], got["podiums"], got["poles"], got["races"]) == (row.wins, row.podiums, row.poles,
                                                                               row.races), row.driverRef
    ratio = pandas_s / reports_s
    once = pandas_s / (import_s + reports_s)
    print(f"import {import_s * 1000:.0f} ms · both reports {reports_s * 1000:.1f} ms · pandas read_csv + the same "
          f"summaries {pandas_s * 1000:.0f} ms · reports {ratio:.1f}x faster · import + reports once "
          f"{once:.2f}x", file=sys.stderr)
    report("drivers + circuits reports over the imported history (s)", reports_s, pandas_s, ratio, ">= 5x pandas",
           ratio >= 5, import_s=round(import_s, 4), import_plus_reports_ratio=round(once, 2))


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t0:.1f} s in all)", file=sys.stderr)
