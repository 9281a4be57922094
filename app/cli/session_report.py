"""`pitwall report session RACE_ID -o report.pdf|.html [--reference LAP_UUID]`: the shareable session report."""

import sys

from app.cli.common import open_store, print_json
from app.errors import PitwallError


def cmd_session_report(args) -> int:
    from app.services.session_report import build_report
    from app.views.session_report import write_report  # Qt, only for this command

    if not args.which:
        raise PitwallError("Which race? pitwall report session RACE_ID -o report.pdf")
    if not args.output:
        raise PitwallError("Where to? Give -o report.pdf or -o report.html")
    report = build_report(open_store(args), args.which, args.reference)
    path = write_report(report, args.output)
    if getattr(args, "json", False):
        print_json({"output": str(path), "race_id": args.which, "laps": len(report.laps),
                    "best": report.best.lap_id if report.best else None,
                    "reference": report.reference.lap_id if report.reference else None, "notes": report.notes})
    else:
        print(path, file=sys.stderr)
    return 0
