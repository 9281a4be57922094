"""Which Ergast circuit a session of the user's was driven at: FastF1 events and AMS2 track names.

In order: an F1 session whose season and round are in the history is that race's circuit; then the name (track,
then the event's location and name) through the aliases below, then an exact match on a circuit's ref, name or
location, then the circuit whose name holds the whole name as words. AMS2 names carry a layout or year after the
venue ("Montreal Grand Prix", "Spa-Francorchamps 1993", "Brands_Hatch_Indy"), so words are dropped from the end
until something matches. Ambiguous names (Barcelona has had three circuits) match nothing rather than a guess,
unless an alias says which one is meant.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Names used by FastF1 (event locations) and AMS2 (track names) that the circuits table does not spell alike.
ALIASES = {
    "barcelona": "catalunya", "montmelo": "catalunya", "circuit de catalunya": "catalunya",
    "spa francorchamps": "spa", "singapore": "marina_bay", "yas marina": "yas_marina", "yas island": "yas_marina",
    "abu dhabi": "yas_marina", "lusail": "losail", "losail": "losail", "qatar": "losail",
    "miami gardens": "miami", "cota": "americas", "austin": "americas", "spielberg": "red_bull_ring",
    "osterreichring": "red_bull_ring", "a1 ring": "red_bull_ring", "mexico city": "rodriguez",
    "sao paulo": "interlagos", "jacarepagua": "jacarepagua", "rio de janeiro": "jacarepagua",
    "buenos aires": "galvez", "nordschleife": "nurburgring", "nurburgring": "nurburgring",
    "hockenheimring": "hockenheimring", "paul ricard": "ricard", "le castellet": "ricard",
    "canadian tire motorsport park": "mosport", "mosport": "mosport", "gilles villeneuve": "villeneuve",
    "montreal": "villeneuve", "azure circuit": "monaco", "monte carlo": "monaco", "kansai": "suzuka",
    "sakhir": "bahrain", "bahrain": "bahrain", "melbourne": "albert_park", "albert park": "albert_park",
    "las vegas": "vegas", "imola": "imola", "enzo e dino ferrari": "imola", "estoril": "estoril",
    "portimao": "portimao", "algarve": "portimao", "kyalami": "kyalami", "jerez": "jerez",
    "hungaroring": "hungaroring", "budapest": "hungaroring", "zandvoort": "zandvoort", "sepang": "sepang",
    "kuala lumpur": "sepang", "silverstone": "silverstone", "monza": "monza", "baku": "baku",
}


# Words that say what kind of place it is, not which: a name made only of these matches no circuit by itself.
GENERIC = {"grand", "prix", "gp", "circuit", "circuito", "international", "autodromo", "street", "park", "raceway",
           "speedway", "ring", "historic", "national", "club", "de", "di", "do", "of", "the", "la", "le"}


@dataclass(frozen=True)
class Circuit:
    id: int
    ref: str
    name: str
    location: str
    country: str


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """'Montréal', 'Spa-Francorchamps', 'Brands_Hatch' → 'montreal', 'spa francorchamps', 'brands hatch'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


class VenueMatcher:
    def __init__(self, circuits: Iterable[Circuit], races: dict[tuple[int, int], int] | None = None) -> None:
        """`races`: (year, round) → circuitId from the history, for F1 sessions inside it."""
        self.circuits = list(circuits)
        self.by_ref = {c.ref: c for c in self.circuits}
        self.by_id = {c.id: c for c in self.circuits}
        self.races = races or {}

    def match(self, track: str | None, meta: dict | None = None) -> Circuit | None:
        """The circuit of a session (its track name and, for F1, its meta), or None when none is sure."""
        meta = meta or {}
        year, round_ = _int(meta.get("year")), _int(meta.get("round"))
        if year is not None and round_ is not None and (year, round_) in self.races:
            return self.by_id.get(self.races[(year, round_)])
        for name in (track, meta.get("location"), meta.get("event")):
            found = self.match_name(str(name)) if name else None
            if found is not None:
                return found
        return None

    def match_name(self, name: str) -> Circuit | None:
        words = normalise(name).split()
        for end in range(len(words), 0, -1):  # drop layout/year words from the end
            found = self._exact(" ".join(words[:end]))
            if found is not None:
                return found
        return self._contained(" ".join(words))

    def _exact(self, key: str) -> Circuit | None:
        if key in ALIASES:
            return self.by_ref.get(ALIASES[key])
        hits = {c.ref for c in self.circuits
                if key in (normalise(c.ref), normalise(c.name), normalise(c.location))}
        return self.by_ref[hits.pop()] if len(hits) == 1 else None

    def _contained(self, key: str) -> Circuit | None:
        if len(key) < 5 or not set(key.split()) - GENERIC:
            return None
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        hits = [c for c in self.circuits if pattern.search(normalise(c.name))]
        return hits[0] if len(hits) == 1 else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
