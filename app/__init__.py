"""Pitwall: a desktop workbench for motorsport telemetry."""

__version__ = "0.1.0"
