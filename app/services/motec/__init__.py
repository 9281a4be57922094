"""MoTeC i2 interchange: laps out to `.ld` + `.ldx`, `.ld` files in as races."""
