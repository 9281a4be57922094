"""The bundle's windowed executable `pitwall-gui` (no console window on Windows): `pitwall gui` with its options."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
