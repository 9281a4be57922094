"""F1 session analysis over the cache: stints, pace, positions, gaps, results, driver comparison.

Pure Python (numpy for the mini-sectors); nothing here calls FastF1: a cached session is all it needs.
`view.session_view` gathers what the window's F1 docks show; the `pitwall f1` commands call the same functions.
"""
