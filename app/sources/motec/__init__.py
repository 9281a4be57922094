"""MoTeC i2 logged data: the `.ld` binary file and its `.ldx` XML companion (see docs/motec.md)."""
