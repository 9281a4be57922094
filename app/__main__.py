"""`python -m app`: start the window (same as `pitwall gui`)."""

import sys

from app.cli import main as cli_main


def main() -> int:
    return cli_main(["gui", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
