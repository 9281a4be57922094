"""The Formula 1 history (the Ergast tables): import into the archive, reports over it and the user's sessions."""
