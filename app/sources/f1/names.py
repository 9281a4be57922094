"""Session names as people type them, known without FastF1 or pandas (cached sessions open without either)."""

# What people type for a session → FastF1's session name. FastF1 accepts these too; Pitwall uses the table
# to find a cached session without asking FastF1.
SESSION_ALIASES = {
    "fp1": "Practice 1", "p1": "Practice 1", "practice 1": "Practice 1",
    "fp2": "Practice 2", "p2": "Practice 2", "practice 2": "Practice 2",
    "fp3": "Practice 3", "p3": "Practice 3", "practice 3": "Practice 3",
    "q": "Qualifying", "qualifying": "Qualifying",
    "sq": "Sprint Qualifying", "sprint qualifying": "Sprint Qualifying",
    "ss": "Sprint Shootout", "sprint shootout": "Sprint Shootout",
    "s": "Sprint", "sprint": "Sprint",
    "r": "Race", "race": "Race",
}


def session_name(text: str) -> str | None:
    """FastF1's name for what the user typed ("FP1" → "Practice 1"), None if unsure (a number, say)."""
    return SESSION_ALIASES.get(text.strip().casefold())
