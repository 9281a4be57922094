"""`pitwall gui [FILE] [--screenshot PNG]`: start the window (Qt is imported only here)."""

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("gui", help="start the Pitwall window")
    p.add_argument("file", nargs="?", type=Path, help="race file to open")
    p.add_argument("--screenshot", type=Path, help="open FILE, wait until processed, save a PNG and exit")
    p.add_argument("--demo", action="store_true", help="open the bundled demo race file")
    p.set_defaults(run=cmd_gui)


def cmd_gui(args) -> int:
    from app.views.app import run_gui

    return run_gui(args)
