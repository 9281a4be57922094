"""Automobilista 2 (Project CARS 2 UDP protocol): race files and live recording."""

from app.sources.ams2.reader import read_race_file

__all__ = ["read_race_file"]
