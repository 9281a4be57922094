"""The `pitwall` command line: every long-running thing the window does, without a window.

Each command module has `register(subparsers)`; add a module to COMMANDS to add commands. Registering must stay
cheap: a command module imports its services inside the command, not at the top (tests/test_cli_startup.py).
Output for other tools is `--json`; a failure exits non-zero with one line on stderr.
"""

import argparse
import os
import sys

from app import __version__
from app.cli import analysis, archive, camera, f1, gui, history, query, races, record, sync
from app.errors import PitwallError

COMMANDS = (races, analysis, record, f1, query, history, sync, archive, camera, gui)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pitwall", description="Motorsport telemetry workbench")
    parser.add_argument("--version", action="version", version=f"pitwall {__version__}")
    parser.add_argument("--home", help="data directory (default: $PITWALL_HOME or the per-user data folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except PitwallError as exc:
        print(f"pitwall: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pitwall: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `pitwall laps … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 141


if __name__ == "__main__":
    sys.exit(main())
