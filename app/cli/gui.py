"""`pitwall gui [FILE] [--screenshot PNG] [--workspace NAME]`: start the window (Qt is imported only here)."""

import logging
import os
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("gui", help="start the Pitwall window")
    p.add_argument("file", nargs="?", type=Path, help="race file to open")
    p.add_argument("--screenshot", type=Path, help="open FILE, wait until processed, save a PNG and exit")
    p.add_argument("--demo", action="store_true", help="open the bundled demo race file")
    p.add_argument("--workspace", metavar="NAME", help="open in this saved workspace (File → Workspaces)")
    p.set_defaults(run=cmd_gui)


def cmd_gui(args) -> int:
    if args.workspace:  # an unknown name fails before any window or worker starts
        from app.config import load_settings
        from app.services.workspaces import load, workspaces_dir

        home = getattr(args, "home", None)
        load(workspaces_dir(load_settings(**({"home": home} if home else {})).home), args.workspace)
    from app.views.app import run_gui

    code = run_gui(args)
    # Everything is saved and closed by now. Skip the interpreter's teardown: Qt objects destroyed after the
    # extension modules they reference make duckdb print "leaked instances" noise (and older PySide6 crash).
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)
