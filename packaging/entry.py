"""The bundle's executable: the same `pitwall` command line as an installed Pitwall.
Started with no arguments (a double-click), it opens the window."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["gui"]))
