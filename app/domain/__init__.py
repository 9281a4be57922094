"""Plain data shared by every layer: no Qt, no I/O."""
