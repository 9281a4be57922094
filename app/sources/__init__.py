"""Data sources: each is plain Python taking a progress callback (no Qt)."""
