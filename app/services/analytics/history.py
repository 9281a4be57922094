"""The console's query history: the last queries run, newest last, kept in the data directory."""

import json
from pathlib import Path

from app.store.lapfiles import write_atomic

LIMIT = 200


class History:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.items: list[str] = self._load()

    def _load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return []  # no history yet, or a damaged file: start again rather than fail the console
        return [s for s in data if isinstance(s, str)] if isinstance(data, list) else []

    def add(self, sql: str) -> None:
        sql = sql.strip()
        if not sql:
            return
        if sql in self.items:
            self.items.remove(sql)
        self.items = (self.items + [sql])[-LIMIT:]
        text = json.dumps(self.items, indent=1)
        write_atomic(self.path, lambda tmp: Path(tmp).write_text(text))
