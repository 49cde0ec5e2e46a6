"""Rank past positions for new provisions: a cheap TF-IDF stage over the whole library, then a careful score
on the few best candidates, mapped to a translation-memory percent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz
from scipy import sparse

from comments.matching.bands import SHOWN, band
from comments.matching.semantic import Encoder
from comments.matching.text import Prepared, prepare

CANDIDATES = 20  # per provision, from each first stage; the careful score only looks at these
CHUNK = 256  # provisions scored against the whole library at once: bounds the dense score matrix


class Mode(StrEnum):
    lexical = "lexical"
    semantic = "lexical+semantic"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Where the combined similarity (0-1) crosses 50 % and 75 %; set from the dev half of the eval set
    (bench/reuse.py --calibrate), so that same-article translations land at 75 or above and unrelated
    provisions of the same kind of regulation below it."""

    at_50: float
    at_75: float

    def percent(self, score: float) -> float:
        points = ((0.0, 0.0), (self.at_50, 50.0), (self.at_75, 75.0), (1.0, 100.0))
        return float(np.interp(score, [p[0] for p in points], [p[1] for p in points]))


CALIBRATION = {
    Mode.lexical: Calibration(at_50=0.36, at_75=0.449),
    Mode.semantic: Calibration(at_50=0.462, at_75=0.512),
}


@dataclass(frozen=True, slots=True)
class Match:
    key: int
    percent: int
    band: str | None


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the careful score needs of a position (its TF-IDF row lives in the index's matrix)."""

    normal: str
    body: str
    canon: str
    chinese: bool

    @classmethod
    def of(cls, prepared: Prepared) -> _Entry:
        return cls(prepared.normal, prepared.body, prepared.canon, prepared.chinese)


class MatchIndex:
    """Built once from (position id, source provision text) pairs; answers many provisions at a time.

    Pass an Encoder (semantic.load_encoder()) to add sentence embeddings; without one the index is lexical.
    """

    def __init__(self, pairs: Iterable[tuple[int, str]], *, encoder: Encoder | None = None) -> None:
        pairs = list(pairs)
        self._keys = [key for key, _ in pairs]
        prepared = [prepare(text) for _, text in pairs]
        self._entries = [_Entry.of(p) for p in prepared]
        self._encoder = encoder
        self.mode = Mode.semantic if encoder else Mode.lexical
        counted = [Counter(p.features) for p in prepared]
        document_frequency: Counter[str] = Counter()
        for counts in counted:
            document_frequency.update(counts.keys())
        self._vocabulary = {term: i for i, term in enumerate(document_frequency)}
        size = len(pairs)
        self._idf = np.array([math.log((1 + size) / (1 + document_frequency[t])) + 1 for t in self._vocabulary])
        self._unseen_idf = math.log(1 + size) + 1  # a term no position has is as rare as can be
        self._matrix = self._vectors(counted)
        texts = [text for _, text in pairs]
        self._embeddings = encoder.embed(texts) if encoder and texts else None

    def __len__(self) -> int:
        return len(self._keys)

    def _vectors(self, counted: Sequence[Counter[str]]) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows, L2-normalised; terms outside the vocabulary still count in the norm, so a
        provision that says much the library never said cannot look like a close match."""
        indptr, indices, counts = [0], [], []
        unseen = np.zeros(len(counted))
        for row, counter in enumerate(counted):
            for term, count in counter.items():
                column = self._vocabulary.get(term)
                if column is None:
                    unseen[row] += (1 + math.log(count)) ** 2
                else:
                    indices.append(column)
                    counts.append(count)
            indptr.append(len(indices))
        columns = np.array(indices, dtype=np.int64)
        values = (1 + np.log(np.array(counts, dtype=np.float64))) * self._idf[columns]
        matrix = sparse.csr_matrix((values, columns, indptr), shape=(len(counted), len(self._vocabulary)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel() + unseen * self._unseen_idf**2)
        return sparse.diags(1 / np.where(norms > 0, norms, 1.0)) @ matrix

    def match(self, text: str, *, limit: int = 5, floor: int = SHOWN) -> list[Match]:
        """The best past positions for one provision, best first, none below `floor` percent."""
        return self.match_many([text], limit=limit, floor=floor)[0]

    def match_many(self, texts: Sequence[str], *, limit: int = 5, floor: int = SHOWN) -> list[list[Match]]:
        """match() for each text; one sparse product per chunk of the draft is what makes this fast."""
        if not self._keys:
            return [[] for _ in texts]
        results: list[list[Match]] = []
        for start in range(0, len(texts), CHUNK):
            results.extend(self._match_chunk(texts[start:start + CHUNK], limit, floor))
        return results

    def _match_chunk(self, texts: Sequence[str], limit: int, floor: int) -> list[list[Match]]:
        queries = [prepare(text) for text in texts]
        lexical = (self._vectors([Counter(q.features) for q in queries]) @ self._matrix.T).toarray()
        semantic = None
        if self._embeddings is not None and self._encoder is not None:
            semantic = self._encoder.embed(list(texts)) @ self._embeddings.T
        results = []
        for row, prepared_query in enumerate(queries):
            candidates = set(_top(lexical[row], CANDIDATES))
            if semantic is not None:
                candidates.update(_top(semantic[row], CANDIDATES))
            query = _Entry.of(prepared_query)
            scored: list[tuple[float, Match]] = []
            if not query.normal:  # a blank provision (an empty heading) resembles nothing
                results.append([])
                continue
            for column in candidates:
                meaning = None if semantic is None else float(semantic[row, column])
                exact = self._percent(query, self._entries[column], float(lexical[row, column]), meaning)
                percent = math.floor(exact)
                if percent >= floor:
                    scored.append((exact, Match(self._keys[column], percent, band(percent))))
            # Equal percents: the higher unrounded score first (a tie-breaker, never a different percent).
            scored.sort(key=lambda pair: (-pair[1].percent, -pair[0], pair[1].key))
            results.append([match for _, match in scored[:limit]])
        return results

    def _percent(self, query: _Entry, entry: _Entry, cosine: float, meaning: float | None) -> float:
        if query.normal == entry.normal:
            return 100.0
        words = word_overlap(query.canon, entry.canon)
        if meaning is not None and not (query.chinese or entry.chinese):
            # MiniLM knows no Chinese; for Chinese both modes use the lexical score and scale.
            score, scale = (cosine + words + meaning) / 3, CALIBRATION[Mode.semantic]
        else:
            score, scale = (cosine + words) / 2, CALIBRATION[Mode.lexical]
        percent = min(scale.percent(score), 94.0)  # 95+ is kept for texts that are nearly the same
        edits = fuzz.ratio(query.body, entry.body)
        if edits >= 85:  # textually close: the classic fuzzy-match percent applies
            percent = max(percent, min(edits, 99.0))
        return percent


def word_overlap(query: str, entry: str) -> float:
    """How much two provisions' canonical words have in common (0-1). token_set_ratio alone is 1 when one text's
    words are all in the other: a long article (a definitions list, say) then "resembles" every short provision
    whose few words it happens to use. token_sort_ratio compares the whole of both, so the mean of the two still
    rewards shared wording but not mere containment."""
    return (fuzz.token_set_ratio(query, entry) + fuzz.token_sort_ratio(query, entry)) / 200


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    if len(scores) <= count:
        return np.arange(len(scores))
    return np.argpartition(-scores, count)[:count]
