"""The window: Qt widgets, docks and item models. Views ask services or start workers; they never do I/O."""
