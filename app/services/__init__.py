"""Queries, analysis and jobs over the store: plain Python, no Qt."""
