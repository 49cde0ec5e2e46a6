"""One match index per team, built from its active positions and rebuilt only when the library changes."""

from __future__ import annotations

import threading

from sqlmodel import Session

from comments import positions
from comments.matching import Encoder, MatchIndex


class MatchIndexCache:
    def __init__(self, encoder: Encoder | None = None) -> None:
        self.encoder = encoder
        self._indexes: dict[int, tuple[tuple[int, str], MatchIndex]] = {}
        self._lock = threading.Lock()

    def index_for(self, session: Session, *, team_id: int) -> MatchIndex:
        version = positions.library_version(session, team_id=team_id)
        with self._lock:
            cached = self._indexes.get(team_id)
        if cached and cached[0] == version:
            return cached[1]
        index = MatchIndex(positions.active_positions(session, team_id=team_id), encoder=self.encoder)
        with self._lock:
            self._indexes[team_id] = (version, index)
        return index
